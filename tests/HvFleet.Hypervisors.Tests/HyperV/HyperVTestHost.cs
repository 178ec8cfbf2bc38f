using HvFleet.Hypervisors.HyperV;
using HvFleet.Hypervisors.Tests.HyperV.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>An emulated Hyper-V host on fake time, backends over it, and temporary export roots.</summary>
internal sealed class HyperVTestHost : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hvfleet-hyperv-tests", Guid.NewGuid().ToString("N"));

    public HyperVTestHost(Func<TimeProvider, HyperVWmiEmulator>? createEmulator = null)
    {
        Emulator = (createEmulator ?? HyperVWmiEmulator.CreateSample)(Time);
    }

    public ManualTimeProvider Time { get; } = new();

    public HyperVWmiEmulator Emulator { get; }

    /// <summary>A new backend over the same emulated host (as after an agent restart).</summary>
    public HyperVHypervisor CreateHypervisor(Action<HyperVOptions>? configure = null)
    {
        var options = new HyperVOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(250),
            JobTimeout = TimeSpan.FromHours(1),
            CancelGracePeriod = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return new HyperVHypervisor(Emulator, Options.Create(options), Time, NullLogger<HyperVHypervisor>.Instance);
    }

    /// <summary>A fresh, existing, empty directory.</summary>
    public string NewExportRoot()
    {
        var path = Path.Combine(_root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
