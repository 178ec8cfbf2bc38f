namespace HvFleet.Interop.Tests.Servers;

/// <summary>Our client against Debian's grpcio (C-core) server over TLS (ALPN h2).</summary>
public sealed class GrpcioTlsServerTests(GrpcioTlsTestServer server) : ClientConformanceTests(server), IClassFixture<GrpcioTlsTestServer>;
