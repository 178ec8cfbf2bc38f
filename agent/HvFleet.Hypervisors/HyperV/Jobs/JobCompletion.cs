namespace HvFleet.Hypervisors.HyperV.Jobs;

/// <summary>A Hyper-V job that ended successfully: its path (for its associators) and any warnings.</summary>
internal sealed record JobCompletion(string JobPath, string InstanceId, IReadOnlyList<string> Warnings);
