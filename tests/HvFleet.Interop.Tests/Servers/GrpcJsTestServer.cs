using HvFleet.Interop.Tests.Infrastructure;

namespace HvFleet.Interop.Tests.Servers;

/// <summary>tests/interop/node/test-server.mjs: @grpc/grpc-js, h2c.</summary>
public class GrpcJsTestServer : ExternalTestServer
{
    protected override (string FileName, string WorkingDirectory, string[] Arguments) Command(string? certificateFile, string? keyFile)
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.NodeDirectory, "node_modules", "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException($"@grpc/grpc-js is not installed: run 'npm ci' in {RepoPaths.NodeDirectory}.");
        }

        string[] tls = certificateFile is null ? [] : [$"--tls_cert={certificateFile}", $"--tls_key={keyFile}"];
        return ("node", RepoPaths.NodeDirectory, ["test-server.mjs", "--port=0", .. tls]);
    }
}
