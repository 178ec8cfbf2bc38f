using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.Lab.State;

internal sealed partial class LabHostStore
{
    [LoggerMessage(EventId = 1001, EventName = "LabSeeded", Level = LogLevel.Information, Message = "Seeded a sample lab host in {Directory}: {Collections} VM groups, {Vms} VMs, disks of {DiskBytes} bytes")]
    private static partial void LogSeeded(ILogger logger, string directory, int collections, int vms, long diskBytes);

    [LoggerMessage(EventId = 1002, EventName = "LabLoaded", Level = LogLevel.Information, Message = "Loaded lab host {Directory}: {Vms} VMs, {Collections} VM groups, {Snapshots} snapshots")]
    private static partial void LogLoaded(ILogger logger, string directory, int vms, int collections, int snapshots);
}
