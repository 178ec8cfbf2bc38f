namespace HvFleet.Interop.Tests.Clients;

/// <summary>The grpcio interop client against our server over h2c.</summary>
public sealed class PythonClientTests(PythonClientRun run) : PythonClientCases(run), IClassFixture<PythonClientRun>;
