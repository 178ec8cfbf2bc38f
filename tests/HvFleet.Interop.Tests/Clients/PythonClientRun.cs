using HvFleet.Interop.Tests.Infrastructure;

namespace HvFleet.Interop.Tests.Clients;

/// <summary>tests/interop/python/interop_client.py (Debian's grpcio, C-core) against our server.</summary>
public sealed class PythonClientRun : InteropClientRun
{
    protected override (string FileName, string WorkingDirectory, string[] Arguments) Command(int port) =>
        (RepoPaths.SystemPython, RepoPaths.PythonDirectory, ["interop_client.py", $"--server_port={port}"]);
}
