namespace HvFleet.Interop.Tests.Clients;

/// <summary>The grpc-js interop client against our server over TLS (ALPN h2, self-signed certificate).</summary>
public sealed class NodeClientTlsRun : NodeClientRun
{
    protected override bool UseTls => true;
}
