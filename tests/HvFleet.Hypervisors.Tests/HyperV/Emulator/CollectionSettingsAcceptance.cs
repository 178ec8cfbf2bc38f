namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>What the emulated group CreateSnapshot accepts as SnapshotSettings (an open question, reference §9).</summary>
public enum CollectionSettingsAcceptance
{
    Both = 0,
    EmptyStringOnly = 1,
    EmbeddedOnly = 2,
}
