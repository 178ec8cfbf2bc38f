namespace HvFleet.Interop.Tests.Servers;

/// <summary>Our client against the @grpc/grpc-js server.</summary>
public sealed class GrpcJsServerTests(GrpcJsTestServer server) : ClientConformanceTests(server), IClassFixture<GrpcJsTestServer>;
