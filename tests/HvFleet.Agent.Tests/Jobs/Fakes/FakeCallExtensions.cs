using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

internal static class FakeCallExtensions
{
    /// <summary>The one snapshot call for the VM group <paramref name="collectionId"/>.</summary>
    public static FakeCall ForGroup(this IEnumerable<FakeCall> calls, string collectionId) =>
        calls.Single(c => c.Request is SnapshotRequest request && request.Target.CollectionId == collectionId);
}
