namespace HvFleet.Hypervisors.Lab.State;

/// <summary>A lab VM group.</summary>
internal sealed class LabCollectionRecord
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public CollectionKind Kind { get; set; } = CollectionKind.VmCollection;

    public List<string> MemberVmIds { get; set; } = [];
}
