namespace HvFleet.Hypervisors.Confinement;

/// <summary>What a name inside a <see cref="ConfinedDirectory"/> is, seen without following links.</summary>
public enum ConfinedEntryKind
{
    /// <summary>Nothing by that name.</summary>
    None = 0,

    /// <summary>A regular file (or anything else that is neither a directory nor a link).</summary>
    File = 1,

    /// <summary>A real directory.</summary>
    Directory = 2,

    /// <summary>A symbolic link, junction or other reparse point.</summary>
    Link = 3,
}
