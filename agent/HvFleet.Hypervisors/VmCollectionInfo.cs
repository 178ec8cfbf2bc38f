namespace HvFleet.Hypervisors;

/// <summary>A VM group.</summary>
public sealed record VmCollectionInfo(string Id, string Name, CollectionKind Kind, IReadOnlyList<string> MemberVmIds);
