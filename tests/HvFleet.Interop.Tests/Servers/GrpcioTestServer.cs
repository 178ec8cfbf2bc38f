using HvFleet.Interop.Tests.Infrastructure;

namespace HvFleet.Interop.Tests.Servers;

/// <summary>tests/interop/python/test_server.py: Debian's grpcio (C-core), generic handlers, h2c.</summary>
public class GrpcioTestServer : ExternalTestServer
{
    protected override (string FileName, string WorkingDirectory, string[] Arguments) Command(string? certificateFile, string? keyFile)
    {
        string[] tls = certificateFile is null ? [] : [$"--tls_cert={certificateFile}", $"--tls_key={keyFile}"];
        return (RepoPaths.SystemPython, RepoPaths.PythonDirectory, ["test_server.py", "--port=0", .. tls]);
    }
}
