namespace HvFleet.Deploy.Tests;

/// <summary>
/// Builds both agent packages once per test run with their own scripts, one after the other (they
/// publish the same project), into a temporary folder that is removed afterwards.
/// </summary>
public sealed class AgentPackagesFixture : IAsyncLifetime
{
    // Generous for a loaded CI machine; a quiet one needs one to two minutes per package.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);

    private readonly string _output = Directory.CreateTempSubdirectory("hvfleet-deploy-packages-").FullName;

    /// <summary>The unzipped Windows package folder.</summary>
    public string WindowsPackage { get; private set; } = "";

    /// <summary>The Linux package folder.</summary>
    public string LinuxPackage { get; private set; } = "";

    /// <summary>What the scripts printed (for failure messages).</summary>
    public string BuildOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        WindowsPackage = await BuildAsync(RepositoryPaths.Deploy("windows", "build-agent-package.sh"));
        LinuxPackage = await BuildAsync(RepositoryPaths.Deploy("linux", "build-agent-package.sh"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<string> BuildAsync(string script)
    {
        // One build folder for both: the second publish reuses the libraries the first compiled.
        var artifacts = Path.Combine(_output, ".artifacts");
        var result = await ProcessRunner.RunAsync("bash", [script, "--output", _output, "--artifacts-path", artifacts], BuildTimeout);
        BuildOutput += result.Output;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} exited with {result.ExitCode}:\n{result.Output}");
        }

        return result.LastLine;
    }
}

[CollectionDefinition(Name)]
public sealed class AgentPackagesCollection : ICollectionFixture<AgentPackagesFixture>
{
    public const string Name = "Agent packages";
}
