using HvFleet.Hypervisors.Lab;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>A temporary lab directory (plus an export root beside it) and lab hypervisors over it; removed on dispose.</summary>
internal sealed class LabTestHost : IAsyncDisposable
{
    private readonly List<LabHypervisor> _created = [];

    public LabTestHost()
    {
        Root = Path.Combine(Path.GetTempPath(), "hvfleet-lab-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        LabDirectory = Path.Combine(Root, "lab");
        ExportRoot = Path.Combine(Root, "exports");
        Directory.CreateDirectory(ExportRoot);
    }

    public string Root { get; }

    public string LabDirectory { get; }

    public string ExportRoot { get; }

    /// <summary>Small, deterministic, test-friendly options: 256 KiB disks, 64 KiB copy chunks, guest I/O off.</summary>
    public LabHypervisorOptions Options(Action<LabHypervisorOptions>? configure = null)
    {
        var options = new LabHypervisorOptions
        {
            Directory = LabDirectory,
            HostName = "lab-test",
            SeedDiskSizeBytes = 256 * 1024,
            SeedRandomSeed = 1234,
            GuestIoEnabled = false,
            GuestIoInterval = TimeSpan.FromMilliseconds(5),
            GuestIoBlockSize = 4096,
            CopyBufferSize = 64 * 1024,
        };
        configure?.Invoke(options);
        return options;
    }

    public LabHypervisor Create(Action<LabHypervisorOptions>? configure = null, TimeProvider? timeProvider = null) =>
        Create(Options(configure), timeProvider);

    public LabHypervisor Create(LabHypervisorOptions options, TimeProvider? timeProvider = null)
    {
        var result = new LabHypervisorOptionsValidator().Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);
        var lab = new LabHypervisor(Microsoft.Extensions.Options.Options.Create(options), timeProvider ?? TimeProvider.System, NullLogger<LabHypervisor>.Instance);
        _created.Add(lab);
        return lab;
    }

    /// <summary>A fresh empty directory under the export root.</summary>
    public string NewExportRoot()
    {
        string dir = Path.Combine(ExportRoot, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lab in _created)
        {
            await lab.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
