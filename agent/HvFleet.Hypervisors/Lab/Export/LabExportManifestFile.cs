namespace HvFleet.Hypervisors.Lab.Export;

/// <summary>One exported file: path relative to the export root ('/' separators), size and SHA-256.</summary>
internal sealed class LabExportManifestFile
{
    public string Path { get; set; } = "";

    public long Size { get; set; }

    public string Sha256 { get; set; } = "";
}
