using HvFleet.Interop.Testing;
using HvFleet.Interop.Tests.Infrastructure;
using HvFleet.Rpc.Client;

namespace HvFleet.Interop.Tests.Servers;

/// <summary>
/// An independent TestService server (grpcio or grpc-js) started as a child process on a free
/// port, and our <see cref="GrpcChannel"/> to it.
/// </summary>
public abstract class ExternalTestServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private ExternalProcess? _process;
    private GrpcChannel? _channel;

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("The server has not started.");

    public TestService.TestServiceClient Client => new(Channel);

    public UnimplementedService.UnimplementedServiceClient UnimplementedClient => new(Channel);

    /// <summary>False for grpc-js, which cannot compress responses per call.</summary>
    public abstract bool CompressesResponses { get; }

    internal string Output => _process?.Output ?? string.Empty;

    public async Task InitializeAsync()
    {
        var (fileName, workingDirectory, arguments) = Command();
        _process = ExternalProcess.Start(fileName, workingDirectory, arguments);
        var port = await _process.WaitForLineAsync("LISTENING ", StartTimeout, CancellationToken.None);
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port.Trim()}");
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    protected abstract (string FileName, string WorkingDirectory, string[] Arguments) Command();
}
