namespace HvFleet.Security.Paths;

/// <summary>The verdict on an export directory; <see cref="Path"/> is the confined, link-free path when allowed.</summary>
public sealed record ExportPathDecision(ExportPathVerdict Verdict, string? Path, string? Reason)
{
    public static ExportPathDecision Allowed(string path) => new(ExportPathVerdict.Allowed, path, null);

    public static ExportPathDecision Invalid(string reason) => new(ExportPathVerdict.Invalid, null, reason);

    public static ExportPathDecision Denied(string reason) => new(ExportPathVerdict.Denied, null, reason);
}
