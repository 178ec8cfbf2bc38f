namespace HvFleet.Hypervisors.Tests.Conformance;

/// <summary>
/// What a backend offers the conformance suite: a VM group with at least two members (at least
/// one of them running), and at least two VMs that may be checkpointed one by one.
/// </summary>
public sealed record ConformanceSample(string CollectionId, IReadOnlyList<string> VmIds);
