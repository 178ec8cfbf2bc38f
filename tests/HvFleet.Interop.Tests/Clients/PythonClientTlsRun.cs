namespace HvFleet.Interop.Tests.Clients;

/// <summary>The grpcio interop client against our server over TLS (ALPN h2, self-signed certificate).</summary>
public sealed class PythonClientTlsRun : PythonClientRun
{
    protected override bool UseTls => true;
}
