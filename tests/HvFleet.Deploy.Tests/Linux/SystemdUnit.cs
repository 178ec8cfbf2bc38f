namespace HvFleet.Deploy.Tests.Linux;

/// <summary>A systemd unit file read as sections of (key, value) pairs, continuation lines joined.</summary>
internal sealed class SystemdUnit
{
    private readonly Dictionary<string, List<(string Key, string Value)>> _sections = new(StringComparer.Ordinal);

    public static SystemdUnit Load(string path)
    {
        var unit = new SystemdUnit();
        List<(string, string)>? section = null;
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = pending + raw.Trim();
            if (line.EndsWith('\\'))
            {
                pending = line[..^1] + " ";
                continue;
            }

            pending = "";
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = [];
                unit._sections[line[1..^1]] = section;
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section is null || equals <= 0)
            {
                throw new FormatException($"{path}: not a key=value line in a section: {line}");
            }

            section.Add((line[..equals].Trim(), line[(equals + 1)..].Trim()));
        }

        return unit;
    }

    public IReadOnlyCollection<string> Sections => _sections.Keys;

    /// <summary>Every value given to a key (systemd allows several).</summary>
    public IReadOnlyList<string> All(string section, string key) =>
        _sections.TryGetValue(section, out var entries) ? [.. entries.Where(e => e.Key == key).Select(e => e.Value)] : [];

    /// <summary>The key's value; null when absent.</summary>
    public string? Get(string section, string key) => All(section, key) is [.., var last] ? last : null;
}
