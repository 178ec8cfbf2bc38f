namespace HvFleet.Hypervisors.HyperV;

/// <summary>Class, association and role names of root\virtualization\v2 (reference §1–§5).</summary>
internal static class HyperVNames
{
    public const string ComputerSystem = "Msvm_ComputerSystem";
    public const string VirtualSystemCollection = "Msvm_VirtualSystemCollection";
    public const string ManagementCollection = "Msvm_ManagementCollection";
    public const string SnapshotCollection = "Msvm_SnapshotCollection";
    public const string VirtualSystemSettingData = "Msvm_VirtualSystemSettingData";
    public const string ConcreteJob = "Msvm_ConcreteJob";

    public const string CollectionSnapshotService = "Msvm_CollectionSnapshotService";
    public const string VirtualSystemSnapshotService = "Msvm_VirtualSystemSnapshotService";
    public const string VirtualSystemManagementService = "Msvm_VirtualSystemManagementService";

    public const string VirtualSystemSnapshotSettingData = "Msvm_VirtualSystemSnapshotSettingData";
    public const string CollectionSnapshotExportSettingData = "Msvm_CollectionSnapshotExportSettingData";
    public const string VirtualSystemExportSettingData = "Msvm_VirtualSystemExportSettingData";

    public const string CollectedVirtualSystems = "Msvm_CollectedVirtualSystems";
    public const string CollectedCollections = "Msvm_CollectedCollections";
    public const string SnapshotOfVirtualSystemCollection = "Msvm_SnapshotOfVirtualSystemCollection";
    public const string CollectedSnapshots = "Msvm_CollectedSnapshots";
    public const string SnapshotOfVirtualSystem = "Msvm_SnapshotOfVirtualSystem";
    public const string AffectedJobElement = "Msvm_AffectedJobElement";

    /// <summary>Caption of the host's own Msvm_ComputerSystem (reference §4.4).</summary>
    public const string HostCaption = "Hosting Computer System";

    /// <summary>VirtualSystemType of a recovery checkpoint's VSSD (reference §3.1).</summary>
    public const string RecoverySnapshotType = "Microsoft:Hyper-V:Snapshot:Recovery";

    /// <summary>Prefix of every snapshot VirtualSystemType (reference §3.3).</summary>
    public const string SnapshotTypePrefix = "Microsoft:Hyper-V:Snapshot:";

    /// <summary>VSSD InstanceIDs read <c>Microsoft:&lt;GUID&gt;</c>; our snapshot ids drop the prefix.</summary>
    public const string InstanceIdPrefix = "Microsoft:";
}
