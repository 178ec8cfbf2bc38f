namespace HvFleet.Interop.Tests.Servers;

/// <summary>The grpcio test server over TLS (ALPN h2).</summary>
public sealed class GrpcioTlsTestServer : GrpcioTestServer
{
    protected override bool UseTls => true;
}
