using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace HvFleet.Interop.Tests.Infrastructure;

/// <summary>
/// A child process (node, python) whose output lines can be awaited. Its stdin stays open until
/// disposal: the interop test servers stop when it closes; a process still running after that
/// is killed, with its children.
/// </summary>
internal sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _output = new();
    private readonly Lock _sync = new();
    private int _openStreams = 2;

    private ExternalProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything printed so far, stdout and stderr interleaved (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_sync)
            {
                return _output.ToString();
            }
        }
    }

    public static ExternalProcess Start(string fileName, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var external = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) => external.OnLine(e.Data, isStdout: true);
        process.ErrorDataReceived += (_, e) => external.OnLine(e.Data, isStdout: false);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{fileName}': {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return external;
    }

    /// <summary>Waits for a stdout line that starts with <paramref name="prefix"/>; returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cts.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..];
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No line starting with '{prefix}' within {timeout}. Output:\n{Output}");
        }

        throw new InvalidOperationException($"The process exited before printing '{prefix}'. Output:\n{Output}");
    }

    /// <summary>Waits for the process to exit and its output to be read; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            throw new TimeoutException($"{_process.StartInfo.FileName} did not finish within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                }
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private void OnLine(string? line, bool isStdout)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _lines.Writer.TryComplete();
            }

            return;
        }

        lock (_sync)
        {
            _output.AppendLine(line);
        }

        if (isStdout)
        {
            _lines.Writer.TryWrite(line);
        }
    }
}
