using System.Text.Json;
using System.Text.RegularExpressions;
using HvFleet.Testing;
using YamlDotNet.RepresentationModel;

namespace HvFleet.Cli.Tests.Commands;

/// <summary>The deploy files (systemd unit, Dockerfile, Kubernetes Deployment) run <c>hvfleet</c> with flags that the
/// real command tree accepts: a renamed or removed flag fails here, not on an operator's host.</summary>
public sealed partial class DeployFilesFlagsTests
{
    [Fact]
    public void SystemdUnit_ExecStart_ParsesAsServe()
    {
        string unit = File.ReadAllText(RepositoryPaths.Deploy("linux", "hvfleet-orchestrator.service"));
        string execStart = ExecStartRegex().Match(unit.Replace("\\\n", " ", StringComparison.Ordinal)).Groups[1].Value;
        var args = execStart.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();

        AssertParses(args, "serve", "--tls-cert", "--client-ca");
    }

    [Fact]
    public void Dockerfile_CmdAndHealthcheck_Parse()
    {
        string dockerfile = File.ReadAllText(RepositoryPaths.Deploy("container", "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var cmd = JsonSerializer.Deserialize<string[]>(DockerCmdRegex().Match(dockerfile).Groups[1].Value)!;
        var health = JsonSerializer.Deserialize<string[]>(DockerHealthRegex().Match(dockerfile).Groups[1].Value)!;

        AssertParses(cmd, "serve", "--health-listen");
        AssertParses(health.Skip(1).ToArray(), "health", "--address");
    }

    [Fact]
    public void KubernetesDeployment_Args_ParseAsServe()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(RepositoryPaths.Deploy("kubernetes", "deployment.yaml")))
        {
            yaml.Load(reader);
        }

        var container = (YamlMappingNode)((YamlSequenceNode)Descend(yaml.Documents[0].RootNode, "spec", "template", "spec", "containers")).Children[0];
        var args = ((YamlSequenceNode)container.Children[new YamlScalarNode("args")]).Children.Select(a => ((YamlScalarNode)a).Value!).ToArray();

        AssertParses(args, "serve", "--health-listen", "--tls-key");
    }

    private static void AssertParses(string[] args, string command, params string[] mustContain)
    {
        var parse = CliApplication.Create(new CliConsole(TextWriter.Null, TextWriter.Null, interactive: false)).Parse(args);

        Assert.Empty(parse.Errors.Select(e => e.Message));
        Assert.Equal(command, parse.CommandResult.Command.Name);
        Assert.All(mustContain, flag => Assert.Contains(flag, args));
    }

    private static YamlNode Descend(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);

    [GeneratedRegex(@"^ExecStart=(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExecStartRegex();

    [GeneratedRegex(@"^CMD (\[.+?\])\s*$", RegexOptions.Multiline)]
    private static partial Regex DockerCmdRegex();

    [GeneratedRegex(@"HEALTHCHECK[^\n]*?CMD (\[.+?\])", RegexOptions.None)]
    private static partial Regex DockerHealthRegex();
}
