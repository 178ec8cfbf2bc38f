using HvFleet.Orchestrator.Inventory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Tests.Inventory;

public sealed class FileFleetInventoryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hvfleet-inv-tests", Guid.NewGuid().ToString("N"));

    public FileFleetInventoryTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task ReloadIfChanged_FileEdited_NewHostsAndVersion()
    {
        string path = Path.Combine(_directory, "fleet.yaml");
        await File.WriteAllTextAsync(path, "hosts:\n  - name: a\n    address: a:1\n");
        using var inventory = Create(path);
        await inventory.ReloadAsync(CancellationToken.None);

        Assert.False(await inventory.ReloadIfChangedAsync(CancellationToken.None));
        await File.WriteAllTextAsync(path, "hosts:\n  - name: a\n    address: a:1\n  - name: b\n    address: b:2\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));

        Assert.True(await inventory.ReloadIfChangedAsync(CancellationToken.None));
        Assert.Equal(["a", "b"], inventory.Hosts.Select(h => h.Name));
        Assert.Equal(2, inventory.Version);
    }

    [Fact]
    public async Task ReloadIfChanged_FileBroken_KeepsPreviousHosts()
    {
        string path = Path.Combine(_directory, "fleet.json");
        await File.WriteAllTextAsync(path, """{ "hosts": [ { "name": "a", "address": "a:1" } ] }""");
        using var inventory = Create(path);
        await inventory.ReloadAsync(CancellationToken.None);

        await File.WriteAllTextAsync(path, """{ "hosts": [ { "name": "a" } ] }""");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));

        Assert.False(await inventory.ReloadIfChangedAsync(CancellationToken.None));
        Assert.Equal("a:1", Assert.Single(inventory.Hosts).Address);
        Assert.Equal(1, inventory.Version);
        await Assert.ThrowsAsync<InventoryException>(() => inventory.ReloadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Reload_MissingFile_ClearError()
    {
        using var inventory = Create(Path.Combine(_directory, "absent.yaml"));

        var ex = await Assert.ThrowsAsync<InventoryException>(() => inventory.ReloadAsync(CancellationToken.None));

        Assert.Contains("cannot read the file", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static FileFleetInventory Create(string path) =>
        new(Options.Create(new InventoryOptions { Path = path }), NullLogger<FileFleetInventory>.Instance);
}
