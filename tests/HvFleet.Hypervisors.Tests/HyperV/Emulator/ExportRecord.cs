namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>An export the emulator performed, with the settings that took effect.</summary>
internal sealed record ExportRecord(string Method, string Directory, string SnapshotId, IReadOnlyDictionary<string, object?> Settings, IReadOnlyList<string> WrittenFolders);
