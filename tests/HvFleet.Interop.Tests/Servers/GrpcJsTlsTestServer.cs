namespace HvFleet.Interop.Tests.Servers;

/// <summary>The grpc-js test server over TLS (ALPN h2).</summary>
public sealed class GrpcJsTlsTestServer : GrpcJsTestServer
{
    protected override bool UseTls => true;
}
