namespace HvFleet.Hypervisors;

/// <summary>Progress of a long operation.</summary>
public readonly record struct HypervisorProgress(int Percent, long BytesDone, long BytesTotal, string? StatusText = null);
