namespace HvFleet.Cli;

/// <summary>Process exit codes: scripts branch on them.</summary>
internal static class ExitCodes
{
    /// <summary>Everything succeeded (or was planned).</summary>
    public const int Success = 0;

    /// <summary>Failed, cancelled, refused, or an error.</summary>
    public const int Failed = 1;

    /// <summary>Some targets succeeded, some did not.</summary>
    public const int PartiallyFailed = 2;
}
