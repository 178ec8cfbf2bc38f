namespace HvFleet.Interop.Tests.Clients;

/// <summary>The grpcio interop client against our server over TLS (ALPN h2).</summary>
public sealed class PythonClientTlsTests(PythonClientTlsRun run) : PythonClientCases(run), IClassFixture<PythonClientTlsRun>;
