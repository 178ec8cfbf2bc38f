namespace HvFleet.Interop.Tests.Servers;

/// <summary>Our client against the @grpc/grpc-js server over TLS (ALPN h2).</summary>
public sealed class GrpcJsTlsServerTests(GrpcJsTlsTestServer server) : ClientConformanceTests(server), IClassFixture<GrpcJsTlsTestServer>;
