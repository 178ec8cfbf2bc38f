using System.Net;
using System.Net.Sockets;

namespace HvFleet.Cli.Tests.Functional.Restart;

/// <summary>A loopback TCP proxy in front of an agent whose agent-to-caller direction can be frozen: requests still
/// reach the agent (which creates its jobs), but no reply reaches the caller. That is a reply lost on the way, the
/// state in which an orchestrator has asked for a job but never learned its id.</summary>
internal sealed class FreezableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(TcpClient Caller, TcpClient Agent, CancellationTokenSource Closed)> _connections = [];
    private readonly Task _accepting;
    private TaskCompletionSource _thawed = Open();

    public FreezableProxy(string target)
    {
        var uri = new Uri($"http://{target}");
        _targetHost = uri.Host;
        _targetPort = uri.Port;
        _listener.Start();
        Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    /// <summary>host:port to put in the inventory instead of the agent's.</summary>
    public string Address { get; }

    /// <summary>Bytes from the agent are held back from now on (requests still flow to it).</summary>
    public void Freeze()
    {
        lock (_lock)
        {
            if (_thawed.Task.IsCompleted)
            {
                _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Closes every proxied connection and lets replies through again (for the next caller).</summary>
    public void ResetAndThaw()
    {
        List<(TcpClient Caller, TcpClient Agent, CancellationTokenSource Closed)> connections;
        lock (_lock)
        {
            connections = [.. _connections];
            _connections.Clear();
            _thawed.TrySetResult();
        }

        foreach (var connection in connections)
        {
            Close(connection);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        ResetAndThaw();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private static void Close((TcpClient Caller, TcpClient Agent, CancellationTokenSource Closed) connection)
    {
        try
        {
            connection.Closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        connection.Caller.Dispose();
        connection.Agent.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var caller = await _listener.AcceptTcpClientAsync(_stop.Token);
            var agent = new TcpClient();
            try
            {
                await agent.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            }
            catch (SocketException)
            {
                caller.Dispose();
                agent.Dispose();
                continue;
            }

            var connection = (caller, agent, new CancellationTokenSource());
            lock (_lock)
            {
                _connections.Add(connection);
            }

            _ = RunAsync(connection);
        }
    }

    private async Task RunAsync((TcpClient Caller, TcpClient Agent, CancellationTokenSource Closed) connection)
    {
        var token = connection.Closed.Token;
        var requests = PumpAsync(connection.Caller.GetStream(), connection.Agent.GetStream(), freezable: false, token);
        var replies = PumpAsync(connection.Agent.GetStream(), connection.Caller.GetStream(), freezable: true, token);
        await Task.WhenAny(requests, replies);

        // Either side went away (a killed orchestrator, a stopped agent): the other side goes too.
        lock (_lock)
        {
            _connections.Remove(connection);
        }

        Close(connection);
        await Task.WhenAll(requests, replies);
        connection.Closed.Dispose();
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool freezable, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                if (freezable)
                {
                    Task thawed;
                    lock (_lock)
                    {
                        thawed = _thawed.Task;
                    }

                    await thawed.WaitAsync(cancellationToken);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is closing.
        }
    }
}
