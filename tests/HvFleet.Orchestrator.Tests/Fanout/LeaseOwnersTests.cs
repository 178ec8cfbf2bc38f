using HvFleet.Orchestrator.Fanout;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class LeaseOwnersTests
{
    private const string Machine = "hv-orch-1";
    private const int Self = 4242;

    [Theory]
    [InlineData("other-machine/17/abcd", false)] // another machine: only its lease's expiry tells
    [InlineData("hv-orch-1/17/abcd", true)] // this machine, no process 17
    [InlineData("HV-ORCH-1/17/abcd", true)] // machine names compare without case
    [InlineData("hv-orch-1/18/abcd", false)] // this machine, process 18 runs
    [InlineData("hv-orch-1/4242/abcd", true)] // this process's id (a restarted container) but no engine of it has the name
    [InlineData("hv-orch-1/x/abcd", false)] // not an owner name we write
    [InlineData("a", false)]
    [InlineData("", false)]
    public void IsGone_ByMachineAndProcess(string owner, bool gone) =>
        Assert.Equal(gone, LeaseOwners.IsGone(owner, Machine, Self, pid => pid == 18));

    [Fact]
    public void IsGone_EngineOfThisProcess_AliveUntilRetired()
    {
        string owner = LeaseOwners.Create();

        Assert.False(LeaseOwners.IsGone(owner));
        LeaseOwners.Retire(owner);
        Assert.True(LeaseOwners.IsGone(owner));
    }
}
