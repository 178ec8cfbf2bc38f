using HvFleet.Hypervisors.Lab.State;

namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>
/// Relative paths inside an export: <c>&lt;VM name&gt;/&lt;folder&gt;/&lt;file&gt;</c> with a per-VM
/// subdirectory, <c>&lt;folder&gt;/&lt;file&gt;</c> without. VM names are made safe as folder names,
/// and names that would collide (two VMs with one name, or equal disk names without
/// subdirectories) are told apart by the VM id. Paths use '/' as in the manifest.
/// </summary>
internal sealed class LabExportLayout
{
    private readonly bool _perVmDirectory;
    private readonly Dictionary<string, string> _vmDirectories = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _usedDirectories = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _usedFiles = new(StringComparer.OrdinalIgnoreCase);

    public LabExportLayout(bool perVmDirectory)
    {
        _perVmDirectory = perVmDirectory;
    }

    /// <summary>The VM's folder relative to the export root, "" without per-VM subdirectories.</summary>
    public string VmDirectory(LabSnapshotMemberRecord member)
    {
        if (!_perVmDirectory)
        {
            return "";
        }

        if (_vmDirectories.TryGetValue(member.VmId, out string? existing))
        {
            return existing;
        }

        string name = SafeName(member.VmName);
        if (!_usedDirectories.Add(name))
        {
            name = $"{name} ({member.VmId})";
            _usedDirectories.Add(name);
        }

        _vmDirectories[member.VmId] = name;
        return name;
    }

    /// <summary>A unique relative path for <paramref name="fileName"/> in one of the VM's export folders.</summary>
    public string File(LabSnapshotMemberRecord member, string folder, string fileName)
    {
        string dir = VmDirectory(member);
        string prefix = dir.Length == 0 ? folder : dir + "/" + folder;
        string path = prefix + "/" + fileName;
        if (!_usedFiles.Add(path))
        {
            path = prefix + "/" + member.VmId + "_" + fileName;
            _usedFiles.Add(path);
        }

        return path;
    }

    /// <summary><paramref name="path"/> relative to the VM folder <paramref name="vmDirectory"/>.</summary>
    public static string RelativeTo(string vmDirectory, string path) =>
        vmDirectory.Length == 0 ? path : path[(vmDirectory.Length + 1)..];

    private static string SafeName(string name)
    {
        var chars = name.Select(c => c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsControl(c) ? '_' : c).ToArray();
        string safe = new string(chars).Trim().TrimEnd('.');
        return safe.Length == 0 || safe is "." or ".." ? "_" : safe;
    }
}
