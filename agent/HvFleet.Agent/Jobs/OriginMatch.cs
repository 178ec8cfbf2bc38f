using HvFleet.Hypervisors;

namespace HvFleet.Agent.Jobs;

/// <summary>The checkpoints found for a job's identity, matched against the job's target.</summary>
internal sealed record OriginMatch(OriginMatchKind Kind, IReadOnlyList<string> SnapshotIds)
{
    public static readonly OriginMatch None = new(OriginMatchKind.None, []);

    /// <summary>
    /// A group target is done by one snapshot collection of that group; a VM target by one VM
    /// snapshot of each VM (ids returned in the target's order, as the backend returns them).
    /// </summary>
    public static OriginMatch Of(SnapshotTarget target, IReadOnlyList<SnapshotInfo> found)
    {
        if (found.Count == 0)
        {
            return None;
        }

        if (target.CollectionId is { } collectionId)
        {
            var collection = found
                .Where(s => s.Scope == SnapshotScope.Collection && string.Equals(s.CollectionId, collectionId, StringComparison.OrdinalIgnoreCase))
                .OrderBy(s => s.CreatedAt)
                .FirstOrDefault();
            return collection is null ? new(OriginMatchKind.OtherTarget, []) : new(OriginMatchKind.Complete, [collection.Id]);
        }

        var ids = new List<string>();
        foreach (var vmId in target.VmIds)
        {
            var snapshot = found
                .Where(s => s.Scope == SnapshotScope.VirtualMachine && s.Members.Any(m => string.Equals(m.VmId, vmId, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(s => s.CreatedAt)
                .FirstOrDefault();
            if (snapshot is not null)
            {
                ids.Add(snapshot.Id);
            }
        }

        return ids.Count == target.VmIds.Count ? new(OriginMatchKind.Complete, ids)
            : ids.Count > 0 ? new(OriginMatchKind.Partial, ids)
            : new(OriginMatchKind.OtherTarget, []);
    }
}
