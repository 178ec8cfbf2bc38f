namespace HvFleet.Interop.Tests.Clients;

/// <summary>The @grpc/grpc-js interop client against our server over h2c.</summary>
public sealed class NodeClientTests(NodeClientRun run) : NodeClientCases(run), IClassFixture<NodeClientRun>;
