using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HvFleet.Protos.Agent.V1;

namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>The export checker finds what it must (so that a zero in the chaos table means something).</summary>
public sealed class ExportAuditTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hvfleet-chaos-audit-");

    [Fact]
    public async Task Check_CompleteExportOfACompletedJob_NoFinding()
    {
        var job = WriteExport("good");
        var tally = new ChaosTally();

        await new ExportAudit(_root.FullName).CheckAsync([job], tally, CancellationToken.None);

        Assert.Empty(tally.Findings);
    }

    [Fact]
    public async Task Check_StagingFolderTamperedFileExtraFileAndUnclaimedFolder_EachAPartialExport()
    {
        var tampered = WriteExport("tampered");
        await using (var disk = File.OpenWrite(Path.Combine(tampered.Result.ExportPath, "vm", "disk.vhdx")))
        {
            disk.WriteByte((byte)'#');
        }

        var extra = WriteExport("extra");
        await File.WriteAllTextAsync(Path.Combine(extra.Result.ExportPath, "vm", "stray.bin"), "?");
        Directory.CreateDirectory(Path.Combine(_root.FullName, ".next.hvfleet-tmp-0123", "vm"));
        var unclaimed = WriteExport("unclaimed");
        var tally = new ChaosTally();

        await new ExportAudit(_root.FullName).CheckAsync([tampered, extra], tally, CancellationToken.None);

        Assert.Equal(4, tally.Count(FindingKind.PartialExport));
        Assert.Contains(tally.Findings, f => f.Contains("disk.vhdx hashes to", StringComparison.Ordinal));
        Assert.Contains(tally.Findings, f => f.Contains("stray.bin is not in the manifest", StringComparison.Ordinal));
        Assert.Contains(tally.Findings, f => f.Contains("staging", StringComparison.Ordinal));
        Assert.Contains(tally.Findings, f => f.Contains(unclaimed.Result.ExportPath + ": export directory that no COMPLETED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_CompletedJobWhoseExportIsGone_OtherFinding()
    {
        var job = WriteExport("gone");
        Directory.Delete(job.Result.ExportPath, recursive: true);
        var tally = new ChaosTally();

        await new ExportAudit(_root.FullName).CheckAsync([job], tally, CancellationToken.None);

        Assert.Equal(1, tally.Count(FindingKind.Other));
        Assert.Equal(0, tally.Count(FindingKind.PartialExport));
    }

    /// <summary>An export directory with one data file and a manifest (the lab's format) and its completed job.</summary>
    private Job WriteExport(string name)
    {
        string directory = Path.Combine(_root.FullName, name);
        Directory.CreateDirectory(Path.Combine(directory, "vm"));
        byte[] data = Encoding.UTF8.GetBytes("disk bytes of " + name);
        File.WriteAllBytes(Path.Combine(directory, "vm", "disk.vhdx"), data);
        var manifest = new { files = new[] { new { path = "vm/disk.vhdx", size = data.Length, sha256 = Convert.ToHexStringLower(SHA256.HashData(data)) } } };
        File.WriteAllText(Path.Combine(directory, "hvfleet-export.json"), JsonSerializer.Serialize(manifest));
        return new Job
        {
            Id = "job-" + name,
            Kind = JobKind.ExportSnapshot,
            State = JobState.Completed,
            RequestId = name,
            Result = new JobResult { ExportPath = directory, ManifestPath = Path.Combine(directory, "hvfleet-export.json") },
        };
    }

    public void Dispose() => _root.Delete(recursive: true);
}
