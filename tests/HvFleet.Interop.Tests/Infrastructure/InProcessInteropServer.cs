using Microsoft.AspNetCore.Builder;

namespace HvFleet.Interop.Tests.Infrastructure;

/// <summary>Our interop server, started in the test process on a free 127.0.0.1 port (h2c or TLS).</summary>
internal sealed class InProcessInteropServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessInteropServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<InProcessInteropServer> StartAsync(InteropServerOptions options, CancellationToken cancellationToken)
    {
        var app = InteropServer.Build(options);
        try
        {
            await app.StartAsync(cancellationToken);
            return new InProcessInteropServer(app, InteropServer.GetPort(app));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
