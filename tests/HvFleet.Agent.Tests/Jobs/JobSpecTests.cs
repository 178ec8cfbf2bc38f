using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobSpecTests
{
    private static readonly JobSpec[] Examples =
    [
        new CreateSnapshotJobSpec(new SnapshotRequest(SnapshotTarget.Collection("g1"), SnapshotKind.Recovery, "nightly")),
        new CreateSnapshotJobSpec(new SnapshotRequest(SnapshotTarget.VirtualMachines(["a", "b"]), SnapshotKind.Standard, null, ConsistencyLevel.CrashConsistent)),
        new ExportSnapshotJobSpec(new ExportRequest("s1", "/exports/x",
            new ExportOptions(false, false, true, BackupIntent.Merge, "base", CaptureLiveState.SavedState), true)),
        new DeleteSnapshotJobSpec("s9"),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void FromPayload_OfToPayload_GivesAnEqualRequest(int example)
    {
        var spec = Examples[example];
        var payload = spec.ToPayload();
        var read = JobSpec.FromPayload(payload);

        Assert.Equal(payload, read.ToPayload());
        Assert.Equal(spec.Kind, read.Kind);
        Assert.Equal(spec.TargetIds, read.TargetIds);
        Assert.Equal(spec.ConcurrencyKeys, read.ConcurrencyKeys);
    }

    [Fact]
    public void ToPayload_DifferentName_GivesDifferentPayload()
    {
        var a = new CreateSnapshotJobSpec(new SnapshotRequest(SnapshotTarget.Collection("g1"), SnapshotKind.Recovery, "a"));
        var b = a with { Request = a.Request with { Name = "b" } };

        Assert.NotEqual(a.ToPayload(), b.ToPayload());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"Kind\":\"DeleteSnapshot\"}")]
    [InlineData("{}")]
    public void FromPayload_Garbage_ThrowsFormatException(string payload)
    {
        Assert.Throws<FormatException>(() => JobSpec.FromPayload(payload));
    }
}
