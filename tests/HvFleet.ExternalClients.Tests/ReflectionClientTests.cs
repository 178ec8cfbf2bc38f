using System.Text.Json;
using HvFleet.ExternalClients.Tests.Clients;
using HvFleet.ExternalClients.Tests.Fleet;
using Xunit.Abstractions;

namespace HvFleet.ExternalClients.Tests;

/// <summary>Server reflection as other languages' tools use it: grpcio's and grpc-js's reflection clients list the services
/// of the real agent and the real orchestrator and describe each of ours (file_containing_symbol, dependencies fetched,
/// FileDescriptorProtos linked, method names equal to the .proto's). Both grpc.reflection.v1 and v1alpha are tried; at
/// least one must do all of it, and the test prints which did.</summary>
[Collection(FleetCollection.Name)]
public sealed class ReflectionClientTests(FleetFixture fleet, ITestOutputHelper log)
{
    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task Agent_ListsAndDescribesHostAgentAndHealth(string language)
    {
        var run = await ClientScript.RunAsync(language, "reflection",
            ["--target", fleet.PlainAgent, "--service", "hvfleet.agent.v1.HostAgent", "--service", "grpc.health.v1.Health"], log, fleet);

        AssertDescribedByAtLeastOneVersion(run, ["hvfleet.agent.v1.HostAgent", "grpc.health.v1.Health"]);
    }

    [Theory]
    [InlineData(ClientScript.Python)]
    [InlineData(ClientScript.Node)]
    public async Task Orchestrator_OverMutualTlsAsViewer_ListsAndDescribesFleetAndHealth(string language)
    {
        var run = await ClientScript.RunAsync(language, "reflection",
        [
            "--target", fleet.Orchestrator, "--tls-dir", fleet.PkiDirectory, "--as", "viewer",
            "--service", "hvfleet.orchestrator.v1.Fleet", "--service", "grpc.health.v1.Health",
        ], log, fleet);

        AssertDescribedByAtLeastOneVersion(run, ["hvfleet.orchestrator.v1.Fleet", "grpc.health.v1.Health"]);
    }

    private void AssertDescribedByAtLeastOneVersion(ClientRun run, string[] services)
    {
        var versions = run.All("reflection");
        Assert.Equal(["v1", "v1alpha"], versions.Select(v => v.GetProperty("version").GetString()));
        List<string> complete = [];
        foreach (var version in versions)
        {
            string name = version.GetProperty("version").GetString()!;
            if (!version.GetProperty("answered").GetBoolean())
            {
                log.WriteLine($"{run.Language}: grpc.reflection.{name} not served: {version.GetProperty("code").GetString()} {version.GetProperty("details").GetString()}");
                continue;
            }

            var listed = version.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToList();
            var problems = version.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
            log.WriteLine($"{run.Language}: grpc.reflection.{name} answered; lists {string.Join(", ", listed)}; problems: {(problems.Count == 0 ? "none" : string.Join("; ", problems))}");
            if (problems.Count > 0)
            {
                continue;
            }

            Assert.Contains($"grpc.reflection.{name}.ServerReflection", listed);
            foreach (string service in services)
            {
                Assert.Contains(service, listed);
                var described = version.GetProperty("described").GetProperty(service);
                var methods = Names(described.GetProperty("methods"));
                Assert.NotEmpty(methods);
                Assert.Equal(Names(described.GetProperty("expected")), methods);
            }

            complete.Add(name);
        }

        log.WriteLine($"{run.Language}: reflection versions that list and describe every service: {(complete.Count == 0 ? "none" : string.Join(", ", complete))}");
        Assert.True(complete.Count > 0, $"no reflection version listed and described {string.Join(", ", services)}:\n{run.Output}");
        run.AssertCompleted();
    }

    private static List<string?> Names(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];
}
