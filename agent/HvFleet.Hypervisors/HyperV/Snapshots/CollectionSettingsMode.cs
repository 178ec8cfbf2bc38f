namespace HvFleet.Hypervisors.HyperV.Snapshots;

/// <summary>The form of SnapshotSettings a host's group CreateSnapshot accepts (undocumented, reference §1.1, §9).</summary>
internal enum CollectionSettingsMode
{
    Unknown = 0,
    EmptyString = 1,
    EmbeddedSettings = 2,
}
