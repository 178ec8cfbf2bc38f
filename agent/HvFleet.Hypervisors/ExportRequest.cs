namespace HvFleet.Hypervisors;

/// <summary>
/// An export to perform. <see cref="ExportDirectory"/> is absolute and already confined by the agent
/// to <see cref="ExportRoot"/>, the export root it lies under; backends open it again from that root
/// when they write, without following links. A null root means the directory's filesystem root.
/// </summary>
public sealed record ExportRequest(string SnapshotId, string ExportDirectory, ExportOptions Options, bool Overwrite, string? ExportRoot = null);
