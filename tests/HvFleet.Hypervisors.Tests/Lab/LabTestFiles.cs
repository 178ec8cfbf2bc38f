using System.Security.Cryptography;
using System.Text.Json;
using HvFleet.Hypervisors.Lab;
using HvFleet.Hypervisors.Lab.Export;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>Reading back what the lab wrote.</summary>
internal static class LabTestFiles
{
    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    public static LabExportManifest ReadManifest(string exportDirectory) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(exportDirectory, LabExportManifest.FileName)), LabJsonContext.Default.LabExportManifest)!;

    public static LabVmConfiguration ReadConfiguration(string path) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(path), LabJsonContext.Default.LabVmConfiguration)!;
}
