using System.Globalization;
using System.Text.RegularExpressions;
using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

internal sealed partial class HyperVWmiEmulator
{
    internal Dictionary<string, object?> Reload(string path)
    {
        lock (_lock)
        {
            Pump();
            var stored = Stored(path) ?? throw new WmiException(WmiErrorKind.NotFound, $"Not found: {path}");
            return new Dictionary<string, object?>(stored.Values, StringComparer.OrdinalIgnoreCase);
        }
    }

    private EmulatedObject Bind(StoredInstance stored) =>
        EmulatedObject.Bound(this, stored.Class, new Dictionary<string, object?>(stored.Values, StringComparer.OrdinalIgnoreCase), stored.FullPath, stored.RelativePath);

    private StoredInstance? Stored(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        string key;
        try
        {
            key = ObjectPath.Normalize(path);
        }
        catch (WmiException)
        {
            return null;
        }

        return _instances.GetValueOrDefault(key);
    }

    private string Add(string className, Dictionary<string, object?> values)
    {
        var cimClass = Schema.Find(className)!;
        var typed = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            typed[name] = (cimClass.Property(name) ?? throw new InvalidOperationException($"{className} has no {name}")).Coerce(value);
        }

        var relative = ObjectPath.Relative(className, cimClass.Keys.Select(k => KeyValuePair.Create(k, Format(typed.GetValueOrDefault(k)) ?? string.Empty)));
        var stored = new StoredInstance(cimClass, typed, ObjectPath.Full(HostName, NamespacePath, relative), relative, ObjectPath.Normalize(relative));
        _instances[stored.Key] = stored;
        return stored.FullPath;
    }

    private void Remove(string path)
    {
        if (Stored(path) is { } stored)
        {
            _instances.Remove(stored.Key);
            _associations.RemoveAll(a => a.FirstKey == stored.Key || a.SecondKey == stored.Key);
        }
    }

    private void Associate(string associationClass, string firstPath, string secondPath)
    {
        var cimClass = Schema.Find(associationClass)!;
        var (first, second) = cimClass.Roles!.Value;
        _associations.Add(new StoredAssociation(cimClass.Name, first, ObjectPath.Normalize(firstPath), second, ObjectPath.Normalize(secondPath)));
    }

    private string PathOf(string className, params (string Key, string Value)[] keys) =>
        ObjectPath.Full(HostName, NamespacePath, ObjectPath.Relative(className, keys.Select(k => KeyValuePair.Create(k.Key, k.Value))));

    private string VmPath(string vmId) => PathOf("Msvm_ComputerSystem", ("CreationClassName", "Msvm_ComputerSystem"), ("Name", vmId));

    private IEnumerable<StoredInstance> Related(StoredInstance source, string associationClass, string sourceRole)
    {
        foreach (var association in _associations.Where(a => a.ClassName == associationClass).ToList())
        {
            foreach (var (role, key, _, otherKey) in association.Ends())
            {
                if (role == sourceRole && key == source.Key && _instances.TryGetValue(otherKey, out var other))
                {
                    yield return other;
                }
            }
        }
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string Unquote(string literal)
    {
        if (literal.Length >= 2 && (literal[0] == '\'' || literal[0] == '"'))
        {
            var body = literal[1..^1];
            var text = new System.Text.StringBuilder(body.Length);
            for (var i = 0; i < body.Length; i++)
            {
                if (body[i] == '\\' && i + 1 < body.Length)
                {
                    i++;
                }

                text.Append(body[i]);
            }

            return text.ToString();
        }

        return literal;
    }

    [GeneratedRegex(@"^\s*SELECT\s+\*\s+FROM\s+(?<class>\w+)(\s+WHERE\s+(?<where>.+?))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex SelectPattern();

    [GeneratedRegex(@"\s+AND\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndPattern();

    [GeneratedRegex(@"^\s*(?<prop>\w+)\s*=\s*(?<value>'(?:[^'\\]|\\.)*'|""(?:[^""\\]|\\.)*""|\d+)\s*$")]
    private static partial Regex ConditionPattern();

    private sealed record StoredInstance(CimClass Class, Dictionary<string, object?> Values, string FullPath, string RelativePath, string Key);

    private sealed record StoredAssociation(string ClassName, string FirstRole, string FirstKey, string SecondRole, string SecondKey)
    {
        public IEnumerable<(string Role, string Key, string OtherRole, string OtherKey)> Ends()
        {
            yield return (FirstRole, FirstKey, SecondRole, SecondKey);
            yield return (SecondRole, SecondKey, FirstRole, FirstKey);
        }
    }

    /// <summary>One method call being handled.</summary>
    private sealed class Call(StoredInstance target, CimMethod method, Dictionary<string, object?> input, Dictionary<string, object?> output)
    {
        public StoredInstance Target { get; } = target;

        public CimMethod Method { get; } = method;

        public Dictionary<string, object?> In { get; } = input;

        public Dictionary<string, object?> Out { get; } = output;

        public string? Error { get; set; }

        public uint Fail(uint code, string why)
        {
            Error = why;
            return code;
        }

        public string? Text(string name) => In.GetValueOrDefault(name) as string;
    }
}
