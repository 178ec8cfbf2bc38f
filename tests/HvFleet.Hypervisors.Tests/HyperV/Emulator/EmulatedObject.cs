using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>
/// An object handed out by the emulator. Like a System.Management object it is an offline copy:
/// setting a property changes only this copy, and <see cref="Refresh"/> re-reads the store.
/// </summary>
internal sealed class EmulatedObject : IWmiObject
{
    private readonly HyperVWmiEmulator? _owner;
    private readonly IReadOnlyDictionary<string, CimProperty> _properties;
    private readonly CimClass? _class;
    private Dictionary<string, object?> _values;

    private EmulatedObject(HyperVWmiEmulator? owner, string className, CimClass? cimClass, IReadOnlyDictionary<string, CimProperty> properties, Dictionary<string, object?> values, string? path, string? relativePath, CimMethod? method)
    {
        _owner = owner;
        ClassName = className;
        _class = cimClass;
        _properties = properties;
        _values = values;
        Path = path;
        RelativePath = relativePath;
        Method = method;
    }

    public string ClassName { get; }

    public string? Path { get; }

    public string? RelativePath { get; }

    /// <summary>For in-parameters: the method they were made for.</summary>
    public CimMethod? Method { get; }

    public IReadOnlyDictionary<string, object?> Values => _values;

    public object? this[string propertyName]
    {
        get
        {
            switch (propertyName)
            {
                case "__PATH":
                    return Path;
                case "__RELPATH":
                    return RelativePath;
                case "__CLASS":
                    return ClassName;
            }

            var property = Require(propertyName);
            var value = _values.GetValueOrDefault(property.Name);
            return value is Array array ? array.Clone() : value;
        }

        set
        {
            var property = Require(propertyName);
            _values[property.Name] = property.Coerce(value);
        }
    }

    public static EmulatedObject Bound(HyperVWmiEmulator owner, CimClass cimClass, Dictionary<string, object?> values, string path, string relativePath) =>
        new(owner, cimClass.Name, cimClass, cimClass.Properties, values, path, relativePath, null);

    public static EmulatedObject ClientInstance(CimClass cimClass) =>
        new(null, cimClass.Name, cimClass, cimClass.Properties, new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase), null, null, null);

    public static EmulatedObject Parameters(CimMethod method, bool output, Dictionary<string, object?>? values = null) =>
        new(null, "__PARAMETERS", null, output ? method.Out : method.In, values ?? new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase), null, null, output ? null : method);

    public string GetEmbeddedText() =>
        _class is null
            ? throw new WmiException(WmiErrorKind.Failed, "Method parameters cannot be written as an embedded instance.")
            : CimXml.Write(_class, _values);

    public void Refresh()
    {
        if (_owner is null || Path is null)
        {
            throw new InvalidOperationException("Only bound instances can be refreshed.");
        }

        _values = _owner.Reload(Path);
    }

    private CimProperty Require(string propertyName) =>
        _properties.GetValueOrDefault(propertyName)
        ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {ClassName} has no property or parameter '{propertyName}'.");
}
