namespace HvFleet.Security.Pki;

/// <summary>Options of <see cref="PkiCommands"/>.</summary>
public sealed record PkiOptions
{
    /// <summary>Validity of a new CA (default 10 years).</summary>
    public TimeSpan CaValidity { get; init; } = TimeSpan.FromDays(3652);

    /// <summary>Validity of an issued certificate (default 1 year; clipped to the CA's own expiry is refused instead).</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Overwrite existing files (default: refuse).</summary>
    public bool Force { get; init; }

    /// <summary>Mark an issued certificate as an orchestrator's (SAN URI <c>hvfleet:usage:orchestrator</c>): agents then
    /// apply the orchestrator's call limits to it.</summary>
    public bool Orchestrator { get; init; }

    /// <summary>The CA's subject common name.</summary>
    public string CaName { get; init; } = "HvFleet CA";
}
