using HvFleet.Testing;
namespace HvFleet.Hypervisors.Tests.Lab;

public sealed class LabGuestWriterTests : LabTestBase
{
    [Fact]
    public async Task GuestIo_ClockTicks_ChangesRunningVmDisksOnly()
    {
        var time = new ManualTimeProvider();
        var lab = Host.Create(o => o.GuestIoEnabled = true, time);
        await lab.StartAsync(Timeout);
        var state = await lab.ReadStateAsync(Timeout);
        var before = state.Vms.SelectMany(v => v.Disks.Select(d => (v.State, Path: lab.Paths.VmDisk(v.Id, d.FileName))))
            .ToDictionary(x => x.Path, x => (x.State, Hash: LabTestFiles.Sha256(x.Path)));
        int running = before.Count(b => b.Value.State == VmState.Running);
        await time.WaitForTimersAsync(1, Timeout);

        time.Advance(TimeSpan.FromMilliseconds(5));
        await lab.GuestWriter!.WaitForWritesAsync(running, Timeout);

        Assert.Equal(running, lab.GuestWriter.Writes);
        foreach (var (path, (vmState, hash)) in before)
        {
            Assert.Equal(vmState == VmState.Running, hash != LabTestFiles.Sha256(path));
        }
    }

    [Fact]
    public async Task GuestIo_Disposed_StopsItsLoop()
    {
        var time = new ManualTimeProvider();
        var lab = Host.Create(o => o.GuestIoEnabled = true, time);
        await lab.StartAsync(Timeout);
        await time.WaitForTimersAsync(1, Timeout);

        await lab.DisposeAsync();

        Assert.Equal(0, time.ScheduledTimers);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => lab.ListVirtualMachinesAsync(Timeout));
    }
}
