using HvFleet.Interop.Tests.Infrastructure;

namespace HvFleet.Interop.Tests.Servers;

/// <summary>tests/interop/python/test_server.py: Debian's grpcio (C-core), generic handlers.</summary>
public sealed class GrpcioTestServer : ExternalTestServer
{
    public override bool CompressesResponses => true;

    protected override (string FileName, string WorkingDirectory, string[] Arguments) Command() =>
        (RepoPaths.SystemPython, RepoPaths.PythonDirectory, ["test_server.py", "--port=0"]);
}
