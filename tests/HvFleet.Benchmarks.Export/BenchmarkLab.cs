using HvFleet.Hypervisors.Lab;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Benchmarks.Export;

/// <summary>Lab hypervisors for the benchmark: one seeded group of 4 VMs, guest I/O off, no injected faults.</summary>
internal static class BenchmarkLab
{
    public static LabHypervisor Create(string directory, long diskBytes, LabCopyMethod method) =>
        new(Options.Create(new LabHypervisorOptions
        {
            Directory = directory,
            SeedCollections = 1,
            SeedMinVmsPerCollection = 4,
            SeedMaxVmsPerCollection = 4,
            SeedDiskSizeBytes = diskBytes,
            GuestIoEnabled = false,
            CopyMethod = method,
            CopyBufferSize = 4 * 1024 * 1024,
        }), TimeProvider.System, NullLogger<LabHypervisor>.Instance);
}
