using Microsoft.AspNetCore.Builder;

namespace HvFleet.Interop.Tests.Infrastructure;

/// <summary>Our interop server, started in the test process on a free 127.0.0.1 port.</summary>
internal sealed class InProcessInteropServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessInteropServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<InProcessInteropServer> StartAsync(CancellationToken cancellationToken)
    {
        var app = InteropServer.Build(new InteropServerOptions { Port = 0 });
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
