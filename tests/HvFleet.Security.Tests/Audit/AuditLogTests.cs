using System.Text.Json;
using HvFleet.Security.Audit;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hvfleet-audit-").FullName;

    [Fact]
    public void Append_Record_WritesOneJsonLineWithEveryField()
    {
        using var log = Create(1 << 20, 3);

        log.Append(Record("/hvfleet.agent.v1.HostAgent/CreateSnapshot", "OK") with { Targets = ["vm-1", "vm-2"], RequestId = "r1", JobId = "j1" });

        var line = Assert.Single(File.ReadAllLines(log.CurrentPath));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("ops", root.GetProperty("caller").GetString());
        Assert.Equal("operator", root.GetProperty("role").GetString());
        Assert.Equal("/hvfleet.agent.v1.HostAgent/CreateSnapshot", root.GetProperty("method").GetString());
        Assert.Equal("OK", root.GetProperty("outcome").GetString());
        Assert.Equal(["vm-1", "vm-2"], root.GetProperty("targets").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("r1", root.GetProperty("request_id").GetString());
        Assert.Equal("j1", root.GetProperty("job_id").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero), root.GetProperty("time").GetDateTimeOffset());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log.CurrentPath));
        }
    }

    [Fact]
    public void Append_LocalCaller_WritesItsUidAndPid()
    {
        using var log = Create(1 << 20, 3);

        log.Append(Record("/hvfleet.agent.v1.HostAgent/DeleteSnapshot", "PERMISSION_DENIED") with { Caller = "local-uid-65534", Uid = 65534, Pid = 4242 });

        using var json = JsonDocument.Parse(Assert.Single(File.ReadAllLines(log.CurrentPath)));
        Assert.Equal(65534u, json.RootElement.GetProperty("uid").GetUInt32());
        Assert.Equal(4242, json.RootElement.GetProperty("pid").GetInt32());
    }

    [Fact]
    public void Append_PastTheSizeLimit_RotatesAndKeepsTheConfiguredNumberOfFiles()
    {
        using var log = Create(4096, 2);

        for (var i = 0; i < 200; i++)
        {
            log.Append(Record("/m", "OK") with { RequestId = "request-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) });
        }

        Assert.True(File.Exists(log.RotatedPath(1)));
        Assert.True(File.Exists(log.RotatedPath(2)));
        Assert.False(File.Exists(log.RotatedPath(3)));
        foreach (var file in new[] { log.CurrentPath, log.RotatedPath(1), log.RotatedPath(2) })
        {
            Assert.InRange(new FileInfo(file).Length, 1, 4096);
        }

        // Newest line in the current file, older ones in order behind it, nothing torn.
        Assert.Contains("request-0199", File.ReadAllLines(log.CurrentPath)[^1], StringComparison.Ordinal);
        var all = new[] { log.RotatedPath(2), log.RotatedPath(1), log.CurrentPath }.SelectMany(File.ReadAllLines).ToList();
        var numbers = all.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("request_id").GetString()).ToList();
        Assert.Equal(numbers.Order(StringComparer.Ordinal), numbers);
    }

    private AuditLog Create(long maxBytes, int keep) =>
        new(Options.Create(new AuditLogOptions { Path = Path.Combine(_directory, "audit.log"), MaxFileBytes = maxBytes, MaxRotatedFiles = keep }));

    private static AuditRecord Record(string method, string outcome) => new()
    {
        Time = new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero),
        Caller = "ops",
        Role = "operator",
        Method = method,
        Outcome = outcome,
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
