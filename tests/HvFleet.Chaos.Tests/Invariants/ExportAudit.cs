using System.Security.Cryptography;
using System.Text.Json;
using HvFleet.Protos.Agent.V1;

namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>
/// Checks an export root: every entry must be the directory of a COMPLETED export job, holding
/// <c>hvfleet-export.json</c> and exactly the files it lists, each with the listed size and SHA-256 (re-hashed here);
/// anything else (a staging or old-copy folder, a target without manifest, a mismatching or extra file, a stray file)
/// is a partial export. Every completed export job's directory must still be there. A verified export is re-hashed
/// only when its manifest changes.
/// </summary>
internal sealed class ExportAudit(string exportRoot)
{
    private const string ManifestName = "hvfleet-export.json";

    private readonly Dictionary<string, DateTime> _verified = new(StringComparer.Ordinal);

    public async Task CheckAsync(IReadOnlyList<Job> jobs, ChaosTally tally, CancellationToken cancellationToken)
    {
        var completed = jobs
            .Where(j => j.Kind == JobKind.ExportSnapshot && j.State == JobState.Completed)
            .ToDictionary(j => Path.TrimEndingDirectorySeparator(j.Result.ExportPath), StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(exportRoot).EnumerateFileSystemInfos())
        {
            string path = entry.FullName;
            if (entry is not DirectoryInfo directory || entry.LinkTarget is not null)
            {
                tally.Add(FindingKind.PartialExport, path, $"{path}: a stray {(entry.LinkTarget is null ? "file" : "link")} in the export root");
                continue;
            }

            if (!completed.TryGetValue(path, out var job))
            {
                bool staging = entry.Name.Contains(".hvfleet-tmp-", StringComparison.Ordinal) || entry.Name.Contains(".hvfleet-old-", StringComparison.Ordinal);
                tally.Add(FindingKind.PartialExport, path, staging
                    ? $"{path}: staging/old-copy folder left in the export root ({Contents(directory)})"
                    : $"{path}: export directory that no COMPLETED export job reports ({Contents(directory)})");
                continue;
            }

            if (await VerifyAsync(directory, cancellationToken) is { } problem)
            {
                tally.Add(FindingKind.PartialExport, path, $"{path}: completed by {Describe(job)} but {problem}");
            }
        }

        foreach (var (path, job) in completed.Where(c => !Directory.Exists(c.Key)))
        {
            tally.Add(FindingKind.Other, "export-gone|" + path, $"{Describe(job)} is COMPLETED but its export {path} is gone");
        }
    }

    /// <summary>Null when the directory is a whole export; otherwise what is wrong with it.</summary>
    private async Task<string?> VerifyAsync(DirectoryInfo directory, CancellationToken cancellationToken)
    {
        string manifestPath = Path.Combine(directory.FullName, ManifestName);
        if (!File.Exists(manifestPath))
        {
            return $"has no {ManifestName} ({Contents(directory)})";
        }

        var stamp = File.GetLastWriteTimeUtc(manifestPath);
        if (_verified.TryGetValue(directory.FullName, out var known) && known == stamp)
        {
            return null;
        }

        List<(string Path, long Size, string Sha256)> listed;
        try
        {
            using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(manifestPath, cancellationToken));
            listed = [.. manifest.RootElement.GetProperty("files").EnumerateArray().Select(f =>
                (f.GetProperty("path").GetString()!, f.GetProperty("size").GetInt64(), f.GetProperty("sha256").GetString()!))];
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"its {ManifestName} is unreadable ({ex.Message})";
        }

        // Links count as entries (an export has none), never followed.
        var present = TreeListing.Walk(directory, recursive: true)
            .Where(e => e is FileInfo || e.LinkTarget is not null)
            .Select(f => Path.GetRelativePath(directory.FullName, f.FullName).Replace('\\', '/'))
            .Where(f => f != ManifestName)
            .ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (relative, size, sha256) in listed)
        {
            string file = Path.Combine(directory.FullName, relative);
            if (!present.Remove(relative.Replace('\\', '/')))
            {
                problems.Add($"{relative} is missing");
                continue;
            }

            var info = new FileInfo(file);
            if (info.LinkTarget is not null)
            {
                problems.Add($"{relative} is a link to {info.LinkTarget}");
                continue;
            }

            long length = info.Length;
            if (length != size)
            {
                problems.Add($"{relative} has {length} bytes, the manifest says {size}");
                continue;
            }

            await using var stream = File.OpenRead(file);
            string actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{relative} hashes to {actual}, the manifest says {sha256}");
            }
        }

        problems.AddRange(present.Select(extra => $"{extra} is not in the manifest"));
        if (problems.Count > 0)
        {
            return string.Join("; ", problems);
        }

        _verified[directory.FullName] = stamp;
        return null;
    }

    private static string Contents(DirectoryInfo directory)
    {
        int files = TreeListing.Walk(directory, recursive: true).Count(e => e is FileInfo);
        return $"{files} file(s)";
    }

    internal static string Describe(Job job) => $"job {job.Id} ({job.Kind}, request {job.RequestId}, {job.State}{(job.Error is { Summary.Length: > 0 } e ? ": " + e.Summary : "")})";
}
