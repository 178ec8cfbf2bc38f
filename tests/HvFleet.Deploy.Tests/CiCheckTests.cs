namespace HvFleet.Deploy.Tests;

/// <summary>Runs deploy/ci-check.sh (systemd-analyze verify, dockerfilelint, bash -n), installed by .ci/run.</summary>
public sealed class CiCheckTests
{
    [Fact]
    public async Task CiCheck_Repository_PassesEveryCheck()
    {
        var result = await ProcessRunner.RunAsync("bash", [RepositoryPaths.Deploy("ci-check.sh")], TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("PASS systemd-analyze verify hvfleet-orchestrator.service", result.Output, StringComparison.Ordinal);
        Assert.Contains("PASS systemd-analyze verify hvfleet-agent.service", result.Output, StringComparison.Ordinal);
        Assert.Contains("PASS dockerfilelint container/Dockerfile", result.Output, StringComparison.Ordinal);
        Assert.Contains("PASS bash -n windows/build-agent-package.sh", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("linux/hvfleet-orchestrator.service", "ProtectSystem=strict", "ProtectSytem=strict", "FAIL systemd-analyze verify hvfleet-orchestrator.service")]
    [InlineData("linux/hvfleet-agent.service", "Type=notify", "Type=notfy", "FAIL systemd-analyze verify hvfleet-agent.service")]
    [InlineData("container/Dockerfile", "USER 10001:10001", "USER 10001:10001 extra", "FAIL dockerfilelint container/Dockerfile")]
    public async Task CiCheck_BrokenFile_Fails(string file, string find, string replace, string expected)
    {
        var copy = Directory.CreateTempSubdirectory("hvfleet-deploy-copy-").FullName;
        try
        {
            foreach (var folder in new[] { "linux", "container" })
            {
                Directory.CreateDirectory(Path.Combine(copy, folder));
                foreach (var source in Directory.GetFiles(RepositoryPaths.Deploy(folder)))
                {
                    File.Copy(source, Path.Combine(copy, folder, Path.GetFileName(source)));
                }
            }

            var target = Path.Combine(copy, file);
            var text = File.ReadAllText(target);
            Assert.Contains(find, text, StringComparison.Ordinal);
            File.WriteAllText(target, text.Replace(find, replace, StringComparison.Ordinal));

            var result = await ProcessRunner.RunAsync(
                "bash", [RepositoryPaths.Deploy("ci-check.sh")], TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["HVFLEET_DEPLOY_DIR"] = copy });

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(expected, result.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
