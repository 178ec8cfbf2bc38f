using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerFailureTests
{
    [Theory]
    [InlineData(HyperVCodes.InvalidState, HyperVCodeFamily.Cim)]
    [InlineData(HyperVCodes.MsvmInvalidState, HyperVCodeFamily.Msvm)]
    [InlineData(HyperVCodes.MsvmSystemInUse, HyperVCodeFamily.Msvm)]
    [InlineData(32790u, HyperVCodeFamily.Job)]
    public async Task RunAsync_HypervisorException_FailsWithTheHyperVCodeUnchanged(uint code, HyperVCodeFamily family)
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Group("g1"));
        var exception = new HypervisorException(HypervisorErrorKind.Failed, code, family, "detail from the backend");

        (await engine.Hypervisor.NextCallAsync()).Fail(exception);
        var failed = await engine.WaitForStateAsync(job.Id, JobState.Failed);
        var stored = await engine.Store.GetAsync(job.Id, CancellationToken.None);

        foreach (var error in new[] { failed.Error!, stored!.Error! })
        {
            Assert.Equal(code, error.HyperVCode);
            Assert.Equal(family, error.Family);
            Assert.Equal(exception.Summary, error.Summary);
            Assert.Equal("detail from the backend", error.Description);
        }

        Assert.Null(failed.Result);
        Assert.NotNull(failed.FinishedAt);
    }

    [Fact]
    public async Task RunAsync_UnexpectedException_FailsWithAgentError()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var job = await engine.StartJobAsync(Specs.Delete("s1"));

        (await engine.Hypervisor.NextCallAsync()).Fail(new InvalidOperationException("boom"));
        var failed = await engine.WaitForStateAsync(job.Id, JobState.Failed);

        Assert.Equal(HyperVCodeFamily.Agent, failed.Error!.Family);
        Assert.Contains("boom", failed.Error.Description, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), failed.Error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ExportCompletes_RecordsResultAndWarnings()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var directory = Path.Combine(engine.Root, "exports", "e1");
        var job = await engine.StartJobAsync(Specs.Export("s1", directory));
        var call = await engine.Hypervisor.NextCallAsync();

        Assert.Equal(directory, ((ExportRequest)call.Request).ExportDirectory);
        call.Complete(new OperationResult(["s1"], directory, Path.Combine(directory, "hvfleet-export.json"), 4096, 3, ["state 32768"]));
        var done = await engine.WaitForStateAsync(job.Id, JobState.Completed);
        var stored = (await engine.Store.GetAsync(job.Id, CancellationToken.None))!;

        Assert.Equal(directory, stored.Result!.ExportPath);
        Assert.Equal(Path.Combine(directory, "hvfleet-export.json"), stored.Result.ManifestPath);
        Assert.Equal((4096L, 3), (stored.Result.Bytes, stored.Result.Files));
        Assert.Equal(["state 32768"], stored.Warnings);
        Assert.Equal(done.Sequence, stored.Sequence);
        Assert.Equal([ "s1" ], stored.TargetIds);
        Assert.Equal(directory, stored.ExportDirectory);
    }
}
