using HvFleet.Interop.Tests.Infrastructure;

namespace HvFleet.Interop.Tests.Servers;

/// <summary>tests/interop/node/test-server.mjs: @grpc/grpc-js.</summary>
public sealed class GrpcJsTestServer : ExternalTestServer
{
    public override bool CompressesResponses => false;

    protected override (string FileName, string WorkingDirectory, string[] Arguments) Command()
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.NodeDirectory, "node_modules", "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException($"@grpc/grpc-js is not installed: run 'npm ci' in {RepoPaths.NodeDirectory}.");
        }

        return ("node", RepoPaths.NodeDirectory, ["test-server.mjs", "--port=0"]);
    }
}
