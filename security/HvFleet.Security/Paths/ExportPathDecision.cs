namespace HvFleet.Security.Paths;

/// <summary>
/// The verdict on an export directory; <see cref="Path"/> is the confined, link-free path when
/// allowed, and <see cref="Root"/> the (resolved) export root it lies under, from which the writer
/// opens it again component by component.
/// </summary>
public sealed record ExportPathDecision(ExportPathVerdict Verdict, string? Path, string? Reason)
{
    /// <summary>The resolved export root containing <see cref="Path"/>; null unless allowed.</summary>
    public string? Root { get; init; }

    public static ExportPathDecision Allowed(string path, string? root = null) => new(ExportPathVerdict.Allowed, path, null) { Root = root };

    public static ExportPathDecision Invalid(string reason) => new(ExportPathVerdict.Invalid, null, reason);

    public static ExportPathDecision Denied(string reason) => new(ExportPathVerdict.Denied, null, reason);
}
