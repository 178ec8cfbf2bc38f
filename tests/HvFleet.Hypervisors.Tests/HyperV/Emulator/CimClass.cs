namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>An emulated class: its properties (inherited ones included), keys and methods.</summary>
internal sealed class CimClass
{
    public CimClass(string name, string? baseName, IReadOnlyList<string> keys, IReadOnlyDictionary<string, CimProperty> properties)
    {
        Name = name;
        BaseName = baseName;
        Keys = keys;
        Properties = properties;
    }

    public string Name { get; }

    public string? BaseName { get; }

    public IReadOnlyList<string> Keys { get; }

    public IReadOnlyDictionary<string, CimProperty> Properties { get; }

    public Dictionary<string, CimMethod> Methods { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Association classes: their two role names.</summary>
    public (string First, string Second)? Roles { get; init; }

    public CimProperty? Property(string name) => Properties.GetValueOrDefault(name);
}
