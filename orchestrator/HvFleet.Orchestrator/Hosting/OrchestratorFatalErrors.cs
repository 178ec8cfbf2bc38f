namespace HvFleet.Orchestrator.Hosting;

/// <summary>
/// Errors the orchestrator cannot carry on after (the operation store cannot record a running operation, or its file
/// is damaged). The first one is kept and <see cref="Raised"/> fires, so that the host stops and exits non-zero: a
/// service manager then restarts it, and the next start resumes the operations from the store.
/// </summary>
public sealed class OrchestratorFatalErrors : IDisposable
{
    private readonly CancellationTokenSource _raised = new();
    private string? _message;

    /// <summary>Fires once a fatal error is reported.</summary>
    public CancellationToken Raised => _raised.Token;

    /// <summary>The first fatal error, on one line; null while there is none.</summary>
    public string? Message => Volatile.Read(ref _message);

    public void Report(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        if (Interlocked.CompareExchange(ref _message, message.ReplaceLineEndings(" "), null) is null)
        {
            _raised.Cancel();
        }
    }

    public void Dispose() => _raised.Dispose();
}
