namespace HvFleet.Interop.Tests.Clients;

/// <summary>The @grpc/grpc-js interop client against our server over TLS (ALPN h2).</summary>
public sealed class NodeClientTlsTests(NodeClientTlsRun run) : NodeClientCases(run), IClassFixture<NodeClientTlsRun>;
