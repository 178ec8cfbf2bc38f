using System.Diagnostics;
using System.Text;

namespace HvFleet.Testing;

/// <summary>A program run as a child process for a test: the repository's own executables (<c>dotnet exec X.dll</c>, see
/// <see cref="StartDotnet"/>) or any other (python3, node). Standard output and error are captured line by line, a test
/// awaits a line instead of sleeping, and disposing kills the process (SIGKILL) if it still runs.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private readonly StringBuilder _output = new();
    private readonly List<string> _standardOutput = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly Task _exited;

    private ChildProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, standardOutput: true);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, standardOutput: false);
        _process.Start();
        // Nothing is ever written to the child: a closed stdin keeps a script that reads it from hanging.
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _exited = WhenExitedAsync();
    }

    /// <summary>Process id (for failure messages).</summary>
    public int Id => _process.Id;

    /// <summary>Everything the process wrote so far, standard output and error interleaved as received.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The lines written to standard output so far.</summary>
    public IReadOnlyList<string> StandardOutputLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _standardOutput];
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> (each passed as is, no shell).</summary>
    /// <param name="fileName">The executable.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Variables added to (or replacing those of) the test's environment.</param>
    /// <param name="workingDirectory">Its working directory (default: the test's).</param>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        return new ChildProcess(start);
    }

    /// <summary>Starts a framework-dependent program built next to the tests (<c>dotnet exec DLL args</c>) with the dotnet
    /// host that runs the tests, workstation GC (several servers share a 2-core CI machine).</summary>
    /// <param name="dll">The program's file name in the test's output folder (e.g. <c>hvfleet-agent.dll</c>) or a full path.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Variables added to the test's environment.</param>
    public static ChildProcess StartDotnet(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["DOTNET_gcServer"] = "0" };
        return Start(DotnetHost(), ["exec", Path.Combine(AppContext.BaseDirectory, dll), .. arguments], variables);
    }

    /// <summary>Waits for the first line (already written or still to come) that <paramref name="match"/> accepts and returns
    /// it; fails when the process ends first or after <paramref name="timeout"/>, with the output in the message.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string because)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            string? seen = _output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }

            _waiters.Add((match, found));
        }

        Task first;
        try
        {
            first = await Task.WhenAny(found.Task, _exited).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Path.GetFileName(_process.StartInfo.FileName)} (pid {Id}): no {because} within {timeout}. Output:\n{Output}");
        }

        if (first == found.Task)
        {
            return await found.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            string? seen = _output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }
        }

        throw new InvalidOperationException($"{Path.GetFileName(_process.StartInfo.FileName)} (pid {Id}) exited with {_process.ExitCode} before {because}:\n{Output}");
    }

    /// <summary>Waits for the process to end (and its output to be read); kills it and throws <see cref="TimeoutException"/>
    /// after <paramref name="timeout"/>. Returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await KillAsync().ConfigureAwait(false);
            throw new TimeoutException($"{Path.GetFileName(_process.StartInfo.FileName)} (pid {Id}) still ran after {timeout}; killed. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL if still running, then waits for the exit; returns the exit code (137 = killed by signal 9).</summary>
    public async Task<int> KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        await _exited.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>The dotnet host running these tests (the repository's programs are framework-dependent).</summary>
    public static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private async Task WhenExitedAsync()
    {
        // Returns once the process ended and both redirected streams reached their end.
        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    private void OnLine(string? line, bool standardOutput)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> matched = [];
        lock (_gate)
        {
            _output.AppendLine(line);
            if (standardOutput)
            {
                _standardOutput.Add(line);
            }

            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    matched.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var found in matched)
        {
            found.TrySetResult(line);
        }
    }
}
