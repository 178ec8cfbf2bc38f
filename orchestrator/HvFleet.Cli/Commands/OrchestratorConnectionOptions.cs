using System.CommandLine;

namespace HvFleet.Cli.Commands;

/// <summary>
/// How a client command reaches the orchestrator: <c>--orchestrator</c>, and for mutual TLS <c>--tls-cert</c>,
/// <c>--tls-key</c> (the caller's certificate from <c>hvfleet pki issue</c>; its role decides what it may do) and
/// <c>--client-ca</c> (the fleet CA the orchestrator's certificate must chain to). Each defaults to an environment
/// variable: HVFLEET_ORCHESTRATOR, HVFLEET_TLS_CERT, HVFLEET_TLS_KEY, HVFLEET_CA.
/// </summary>
internal sealed class OrchestratorConnectionOptions
{
    /// <param name="address">The address option; default <c>--orchestrator</c>.</param>
    public OrchestratorConnectionOptions(Option<string>? address = null)
    {
        Address = address ?? CommonOptions.Orchestrator();
    }

    public Option<string> Address { get; }

    public Option<string?> TlsCertificate { get; } = FromEnvironment("--tls-cert", "HVFLEET_TLS_CERT",
        "PEM certificate presented to the orchestrator (mutual TLS)");

    public Option<string?> TlsKey { get; } = FromEnvironment("--tls-key", "HVFLEET_TLS_KEY", "PEM private key of --tls-cert");

    public Option<string?> ClientCa { get; } = FromEnvironment("--client-ca", "HVFLEET_CA",
        "PEM fleet CA the orchestrator's certificate must chain to; with it the connection uses TLS");

    /// <summary>Adds every option of the group to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { Address, TlsCertificate, TlsKey, ClientCa })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Opens the connection these options describe; throws <see cref="ArgumentException"/> naming a bad flag.</summary>
    public FleetConnection Connect(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return FleetConnection.Open(parse.GetValue(Address)!, new FleetConnectionSecurity(
            parse.GetValue(TlsCertificate) ?? "", parse.GetValue(TlsKey) ?? "", parse.GetValue(ClientCa) ?? ""));
    }

    private static Option<string?> FromEnvironment(string name, string variable, string description) => new(name)
    {
        Description = $"{description} [env: {variable}]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null,
    };
}
