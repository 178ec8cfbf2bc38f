using System.Diagnostics.CodeAnalysis;

namespace HvFleet.Hypervisors.Tests.Lab;

/// <summary>Lab tests: a temporary lab host and a per-test timeout, both cleaned up when the test ends.</summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit ends each test through IAsyncLifetime.DisposeAsync, which disposes the fields.")]
public abstract class LabTestBase : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    internal LabTestHost Host { get; } = new();

    /// <summary>Cancelled when a test runs too long.</summary>
    protected CancellationToken Timeout => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _timeout.Dispose();
    }
}
