using HvFleet.Testing;

namespace HvFleet.ExternalClients.Tests.Fleet;

/// <summary>A server program started for the tests and the address it listens on.</summary>
/// <param name="Process">The child process.</param>
/// <param name="Address">host:port.</param>
internal sealed record RunningServer(ChildProcess Process, string Address);
