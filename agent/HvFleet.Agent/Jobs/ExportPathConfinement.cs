using HvFleet.Hypervisors;
using HvFleet.Security.Paths;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// Confines export directories to the configured export roots with the fleet's
/// <see cref="ExportPathPolicy"/>: hostile forms (relative, <c>..</c>, device names, alternate
/// data streams, UNC, namespace prefixes) are refused, links are resolved so none leads outside a
/// root, and the confined (link-free) path is what the job uses.
/// </summary>
internal static class ExportPathConfinement
{
    /// <summary>Longest accepted export directory, in characters.</summary>
    public const int MaxPathLength = ExportPathPolicy.MaxPathLength;

    /// <summary>
    /// Returns the confined path, or null with <paramref name="error"/> saying why the path is refused.
    /// </summary>
    public static string? Confine(string? path, IReadOnlyList<string> exportRoots, out string? error) =>
        Confine(path, exportRoots, out _, out error);

    /// <summary>
    /// As above; <paramref name="root"/> is the resolved export root the path lies under, from which
    /// the backend opens it again when it writes (see <see cref="ExportRequest.ExportRoot"/>).
    /// </summary>
    public static string? Confine(string? path, IReadOnlyList<string> exportRoots, out string? root, out string? error)
    {
        var decision = Decide(path, exportRoots);
        error = decision.Reason;
        root = decision.Root;
        return decision.Path;
    }

    /// <summary>
    /// The policy's whole decision (allowed with the confined path and its root, invalid, or denied):
    /// taken once per export request, by its handler.
    /// </summary>
    public static ExportPathDecision Decide(string? path, IReadOnlyList<string> exportRoots) => ExportPathPolicy.Evaluate(path, exportRoots);
}
