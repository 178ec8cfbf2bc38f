namespace HvFleet.Interop.Tests.Servers;

/// <summary>Our client against Debian's grpcio (C-core) server.</summary>
public sealed class GrpcioServerTests(GrpcioTestServer server) : ClientConformanceTests(server), IClassFixture<GrpcioTestServer>;
