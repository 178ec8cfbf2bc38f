using HvFleet.Interop.Tests.Infrastructure;

namespace HvFleet.Interop.Tests.Clients;

/// <summary>tests/interop/node/interop-client.mjs (@grpc/grpc-js) against our server over h2c.</summary>
public class NodeClientRun : InteropClientRun
{
    protected override (string FileName, string WorkingDirectory, string[] Arguments) Command(int port, string? certificateFile)
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.NodeDirectory, "node_modules", "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException($"@grpc/grpc-js is not installed: run 'npm ci' in {RepoPaths.NodeDirectory}.");
        }

        string[] tls = certificateFile is null ? [] : ["--use_tls=true", $"--ca_file={certificateFile}"];
        return ("node", RepoPaths.NodeDirectory, ["interop-client.mjs", $"--server_port={port}", .. tls]);
    }
}
