namespace HvFleet.Hypervisors.Lab.State;

/// <summary>A lab VM: its identity, state, configuration and disks (files under <c>vms/&lt;id&gt;/</c>).</summary>
internal sealed class LabVmRecord
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public VmState State { get; set; } = VmState.Off;

    public int ProcessorCount { get; set; } = 2;

    public long MemoryMiB { get; set; } = 2048;

    public int Generation { get; set; } = 2;

    public DateTimeOffset CreatedAt { get; set; }

    public List<LabDiskRecord> Disks { get; set; } = [];
}
