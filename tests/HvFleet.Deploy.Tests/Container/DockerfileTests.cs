using System.Text.Json;

namespace HvFleet.Deploy.Tests.Container;

/// <summary>No container engine runs here: the image is not built, the file is checked (and linted by deploy/ci-check.sh).</summary>
public sealed class DockerfileTests
{
    private readonly Dockerfile _dockerfile = Dockerfile.Load(RepositoryPaths.Deploy("container", "Dockerfile"));

    [Fact]
    public void Dockerfile_Stages_BuildWithTheSdkAndRunOnTheAspNetRuntime()
    {
        var from = _dockerfile.All("FROM").ToList();

        Assert.Equal(2, from.Count);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", from[0]);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(aspnet|runtime-deps):10\.0 AS runtime$", from[1]);
        Assert.Contains(_dockerfile.FinalStage().All("COPY"), c => c.StartsWith("--from=build ", StringComparison.Ordinal));
        Assert.Contains(_dockerfile.All("RUN"), r => r.Contains("dotnet publish orchestrator/HvFleet.Cli/HvFleet.Cli.csproj", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_FinalStage_RunsAsANumericNonRootUser()
    {
        var user = Assert.Single(_dockerfile.FinalStage().All("USER"));

        var uid = user.Split(':')[0];
        Assert.True(int.TryParse(uid, out var id) && id > 0, $"USER {user} is numeric and not root (Kubernetes' runAsNonRoot checks a numeric id)");
    }

    [Fact]
    public void Dockerfile_HealthCheck_ProbesGrpcHealthOnTheExposedHealthPort()
    {
        var final = _dockerfile.FinalStage();
        var healthcheck = Assert.Single(final.All("HEALTHCHECK"));
        var exposed = final.All("EXPOSE").SelectMany(e => e.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

        var command = healthcheck[(healthcheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..];
        var arguments = JsonSerializer.Deserialize<string[]>(command)!;
        Assert.Equal(["/app/hvfleet", "health", "--address"], arguments[..3]);
        Assert.Contains(arguments[3].Split(':')[1], exposed);
        Assert.Equal(["50052", "50053"], exposed);
    }

    [Fact]
    public void Dockerfile_Entrypoint_ServesWithTheSameFlagsAsTheKubernetesDeployment()
    {
        var final = _dockerfile.FinalStage();

        Assert.Equal(["/app/hvfleet"], JsonSerializer.Deserialize<string[]>(Assert.Single(final.All("ENTRYPOINT")))!);
        var command = JsonSerializer.Deserialize<string[]>(Assert.Single(final.All("CMD")))!;
        Assert.Equal("serve", command[0]);
        Assert.Equal("/var/lib/hvfleet", command[Array.IndexOf(command, "--data-dir") + 1]);
        Assert.Contains("/var/lib/hvfleet", Assert.Single(final.All("VOLUME")), StringComparison.Ordinal);
        Assert.DoesNotContain("--insecure", command);
    }
}
