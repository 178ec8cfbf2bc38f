namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>What a chaos run counts.</summary>
internal enum FindingKind
{
    /// <summary>A checkpoint that no completed job names.</summary>
    Orphan,

    /// <summary>A second (third...) checkpoint for one logical request (one request name, or one VM group in one
    /// fleet operation).</summary>
    Duplicate,

    /// <summary>Anything in an export root that is not a complete export of a completed job whose manifest digests match
    /// the files: staging leftovers, a target without a manifest, a mismatching file.</summary>
    PartialExport,

    /// <summary>A file or folder created, changed or removed outside the export roots (a sibling folder, the roots' parent).</summary>
    WriteOutsideRoots,

    /// <summary>Any other broken promise: a completed job whose checkpoint or export is gone, a replay that did not end,
    /// an operation that did not succeed.</summary>
    Other,
}
