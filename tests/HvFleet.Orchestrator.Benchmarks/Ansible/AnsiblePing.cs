using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace HvFleet.Orchestrator.Benchmarks.Ansible;

/// <summary>
/// <c>ansible all -i INVENTORY -m ping -f FORKS</c> over hosts with <c>ansible_connection=local</c>: every host runs
/// the ping module in its own Python process on this machine, the forks in parallel. Timed as a whole command, with the
/// CPU time of the whole process tree.
/// </summary>
internal sealed class AnsiblePing : IDisposable
{
    private readonly string _executable;
    private readonly string _work;
    private readonly string _inventory;
    private readonly int _hosts;

    private AnsiblePing(string executable, string work, int hosts)
    {
        _executable = executable;
        _work = work;
        _hosts = hosts;
        _inventory = Path.Combine(work, "inventory.ini");
        var text = new StringBuilder("[bench]\n");
        for (int i = 1; i <= hosts; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"ansible-{i:D3} ansible_connection=local\n");
        }

        File.WriteAllText(_inventory, text.ToString());
    }

    /// <summary>Null when there is no <c>/usr/bin/ansible</c> nor any <c>ansible</c> on the PATH.</summary>
    public static AnsiblePing? Create(int hosts)
    {
        // Debian's package first: a pip or pyenv shim earlier on the PATH is not what the comparison is about.
        string? executable = new[] { "/usr/bin" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            .Select(dir => Path.Combine(dir, "ansible"))
            .FirstOrDefault(File.Exists);
        return executable is null ? null : new AnsiblePing(executable, Directory.CreateTempSubdirectory("hvfleet-bench-ansible-").FullName, hosts);
    }

    /// <summary>The first line of <c>ansible --version</c>.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        var (_, output, _) = await RunAsync(["--version"], cancellationToken);
        return output.Split('\n')[0].Trim();
    }

    /// <summary>One timed run with <paramref name="forks"/> forks. Throws unless every host answered SUCCESS.</summary>
    public async Task<(TimeSpan Wall, TimeSpan? Cpu)> PingAsync(int forks, CancellationToken cancellationToken)
    {
        var cpuBefore = Machine.ChildrenCpu();
        var (wall, output, exitCode) = await RunAsync(["all", "-i", _inventory, "-m", "ping", "-f", forks.ToString(CultureInfo.InvariantCulture), "-o"], cancellationToken);
        var cpuAfter = Machine.ChildrenCpu();
        int succeeded = output.Split('\n').Count(line => line.Contains("| SUCCESS", StringComparison.Ordinal) && line.Contains("\"pong\"", StringComparison.Ordinal));
        if (exitCode != 0 || succeeded != _hosts)
        {
            throw new InvalidOperationException($"ansible ping: exit code {exitCode}, {succeeded} of {_hosts} hosts answered pong:\n{output}");
        }

        return (wall, cpuAfter - cpuBefore);
    }

    private async Task<(TimeSpan Wall, string Output, int ExitCode)> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _work,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // As the issue asks: no host key checking, the system Python, no retry files; temporary files in our folder.
        start.Environment["ANSIBLE_HOST_KEY_CHECKING"] = "False";
        start.Environment["ANSIBLE_PYTHON_INTERPRETER"] = "/usr/bin/python3";
        start.Environment["ANSIBLE_RETRY_FILES_ENABLED"] = "False";
        start.Environment["ANSIBLE_NOCOLOR"] = "True";
        start.Environment["ANSIBLE_LOCAL_TEMP"] = Path.Combine(_work, "local-tmp");
        start.Environment["ANSIBLE_REMOTE_TEMP"] = Path.Combine(_work, "remote-tmp");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_executable}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        clock.Stop();
        return (clock.Elapsed, await output + await errors, process.ExitCode);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
