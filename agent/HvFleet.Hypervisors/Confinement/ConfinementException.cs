namespace HvFleet.Hypervisors.Confinement;

/// <summary>
/// A path under an export root that cannot be used without leaving the root: a component is a
/// symbolic link, junction or other reparse point, or not a directory where one is needed.
/// <see cref="Path"/> names the offending component.
/// </summary>
public sealed class ConfinementException : IOException
{
    public ConfinementException(string path, string reason)
        : base($"'{path}' {reason}; export directories are opened component by component from the export root and never through links.")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The component that was refused.</summary>
    public string Path { get; }

    /// <summary>Why it was refused, e.g. "is a symbolic link".</summary>
    public string Reason { get; }
}
