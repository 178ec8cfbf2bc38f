namespace HvFleet.Security.Paths;

/// <summary>What <see cref="ExportPathPolicy"/> decided about an export directory.</summary>
public enum ExportPathVerdict
{
    /// <summary>Inside an export root; use <see cref="ExportPathDecision.Path"/>.</summary>
    Allowed,

    /// <summary>Malformed (missing, too long, control characters, names a file): INVALID_ARGUMENT.</summary>
    Invalid,

    /// <summary>Hostile or outside every root: PERMISSION_DENIED naming the roots.</summary>
    Denied,
}
