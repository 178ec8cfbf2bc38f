using HvFleet.Interop.Tests.Infrastructure;

namespace HvFleet.Interop.Tests.Clients;

/// <summary>tests/interop/python/interop_client.py (Debian's grpcio, C-core) against our server over h2c.</summary>
public class PythonClientRun : InteropClientRun
{
    protected override (string FileName, string WorkingDirectory, string[] Arguments) Command(int port, string? certificateFile)
    {
        string[] tls = certificateFile is null ? [] : ["--use_tls", $"--ca_file={certificateFile}"];
        return (RepoPaths.SystemPython, RepoPaths.PythonDirectory, ["interop_client.py", $"--server_port={port}", .. tls]);
    }
}
