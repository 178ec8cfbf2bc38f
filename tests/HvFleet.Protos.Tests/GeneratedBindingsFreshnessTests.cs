using System.Diagnostics;
using HvFleet.Testing;

namespace HvFleet.Protos.Tests;

/// <summary>Every committed <c>*.Bindings.cs</c> is exactly what tools/generate-bindings.py writes from its .proto today:
/// a .proto edited without regenerating (or a hand edit of generated code) fails here.</summary>
public sealed class GeneratedBindingsFreshnessTests : IDisposable
{
    private static readonly string Root = RepositoryPaths.Root;
    private readonly string _out = Directory.CreateTempSubdirectory("hvfleet-bindings-").FullName;

    public static TheoryData<string, string> Pairs => new()
    {
        { "protos/HvFleet.Protos/Generated/HostAgent.Bindings.cs", "protos/hvfleet/agent/v1/host_agent.proto" },
        { "protos/HvFleet.Protos/Generated/Fleet.Bindings.cs", "protos/hvfleet/orchestrator/v1/fleet.proto" },
        { "rpc/HvFleet.Rpc/Generated/Health.Bindings.cs", "protos/grpc/health/v1/health.proto" },
        { "rpc/HvFleet.Rpc/Generated/ServerReflection.V1.Bindings.cs", "protos/grpc/reflection/v1/reflection.proto" },
        { "rpc/HvFleet.Rpc/Generated/ServerReflection.V1Alpha.Bindings.cs", "protos/grpc/reflection/v1alpha/reflection.proto" },
        { "tests/HvFleet.Rpc.Tests/Protos/TestRpc.Bindings.cs", "tests/HvFleet.Rpc.Tests/Protos/rpc_test.proto" },
        { "tests/HvFleet.Interop.Server/Generated/Echo.Bindings.cs", "tests/interop/protos/bench/v1/echo.proto" },
        { "tests/HvFleet.Interop.Server/Generated/Test.Bindings.cs", "tests/interop/protos/src/proto/grpc/testing/test.proto" },
    };

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Bindings_MatchTheGeneratorOutput(string bindings, string proto)
    {
        string fresh = Path.Combine(_out, Path.GetFileName(bindings));
        var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(Root, "tools", "generate-bindings.py"), fresh, Path.Combine(Root, proto)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"generate-bindings.py failed: {error}");
        Assert.Equal(await File.ReadAllTextAsync(fresh), await File.ReadAllTextAsync(Path.Combine(Root, bindings)));
    }

    [Fact]
    public void Pairs_CoverEveryBindingsFileInTheRepository()
    {
        var listed = Pairs.Select(p => (string)p[0]).Order(StringComparer.Ordinal);
        var found = Directory.EnumerateFiles(Root, "*.Bindings.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("node_modules", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Equal(listed, found);
    }
}
