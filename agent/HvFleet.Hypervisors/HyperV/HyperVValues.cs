namespace HvFleet.Hypervisors.HyperV;

/// <summary>
/// Numeric values of the methods and classes we call. The two snapshot methods and the two export
/// setting classes number the same ideas differently (reference §8.1, §8.2): never mix them.
/// </summary>
internal static class HyperVValues
{
    /// <summary>Msvm_CollectionSnapshotService.CreateSnapshot SnapshotType: Standard.</summary>
    public const ushort CollectionSnapshotStandard = 1;

    /// <summary>Msvm_CollectionSnapshotService.CreateSnapshot SnapshotType: Recovery.</summary>
    public const ushort CollectionSnapshotRecovery = 2;

    /// <summary>Msvm_VirtualSystemSnapshotService.CreateSnapshot SnapshotType: Full (standard/production).</summary>
    public const ushort VmSnapshotFull = 2;

    /// <summary>Msvm_VirtualSystemSnapshotService.CreateSnapshot SnapshotType: Recovery (code only, §3.1).</summary>
    public const ushort VmSnapshotRecovery = 32768;

    /// <summary>VSESD CopySnapshotConfiguration: ExportOneSnapshot.</summary>
    public const byte ExportOneSnapshot = 2;

    /// <summary>VSESD CopySnapshotConfiguration: ExportOneSnapshotForBackup (Win10/2016).</summary>
    public const byte ExportOneSnapshotForBackup = 3;

    /// <summary>Msvm_ConcreteJob.RequestStateChange: orderly stop.</summary>
    public const ushort JobTerminate = 4;

    /// <summary>Msvm_ConcreteJob.RequestStateChange: immediate stop.</summary>
    public const ushort JobKill = 5;

    /// <summary>Collection export BackupIntent (uint16): 1 PreserveChain, 2 Merge.</summary>
    public static ushort? CollectionBackupIntent(BackupIntent intent) => intent switch
    {
        BackupIntent.PreserveChain => 1,
        BackupIntent.Merge => 2,
        _ => null,
    };

    /// <summary>VM export BackupIntent (uint8): 0 PreserveChain, 1 Merge.</summary>
    public static byte? VmBackupIntent(BackupIntent intent) => intent switch
    {
        BackupIntent.PreserveChain => 0,
        BackupIntent.Merge => 1,
        _ => null,
    };

    /// <summary>VSESD CaptureLiveState (uint8): 0 crash consistent, 1 saved state, 2 app consistent.</summary>
    public static byte? VmCaptureLiveState(CaptureLiveState state) => state switch
    {
        CaptureLiveState.CrashConsistent => 0,
        CaptureLiveState.SavedState => 1,
        CaptureLiveState.ApplicationConsistent => 2,
        _ => null,
    };

    /// <summary>Msvm_VirtualSystemSnapshotSettingData ConsistencyLevel (uint8): 1 app, 2 crash (VM-level numbering, §8.10).</summary>
    public static byte? SnapshotConsistency(ConsistencyLevel level) => level switch
    {
        ConsistencyLevel.ApplicationConsistent => 1,
        ConsistencyLevel.CrashConsistent => 2,
        _ => null,
    };

    /// <summary>Maps Msvm_ComputerSystem.EnabledState (v2 numbering, reference §4.4) to our state.</summary>
    public static VmState MapEnabledState(uint enabledState) => enabledState switch
    {
        2 => VmState.Running,
        3 => VmState.Off,
        4 => VmState.Stopping,
        6 => VmState.Saved,
        9 => VmState.Paused,
        10 or 11 => VmState.Starting,
        32773 or 32780 => VmState.Saving,
        32776 or 32777 => VmState.Busy,
        32779 => VmState.Saved,
        _ => VmState.Other,
    };

    /// <summary>The kind of failure a return value or job ErrorCode means, by family (reference §5.4).</summary>
    public static HypervisorErrorKind KindOf(uint code, HyperVCodeFamily family) => (family, code) switch
    {
        (HyperVCodeFamily.Cim, HyperVCodes.NotSupported) => HypervisorErrorKind.NotSupported,
        (HyperVCodeFamily.Cim, HyperVCodes.Timeout) => HypervisorErrorKind.Timeout,
        (HyperVCodeFamily.Cim, HyperVCodes.InvalidParameter) => HypervisorErrorKind.InvalidParameter,
        (HyperVCodeFamily.Cim, HyperVCodes.InvalidState) => HypervisorErrorKind.InvalidState,
        (HyperVCodeFamily.Cim, HyperVCodes.InvalidType) => HypervisorErrorKind.InvalidParameter,
        (HyperVCodeFamily.Cim, _) => HypervisorErrorKind.Failed,
        (_, HyperVCodes.MsvmAccessDenied) => HypervisorErrorKind.AccessDenied,
        (_, HyperVCodes.MsvmNotSupported) => HypervisorErrorKind.NotSupported,
        (_, HyperVCodes.MsvmTimeout) => HypervisorErrorKind.Timeout,
        (_, HyperVCodes.MsvmInvalidParameter) => HypervisorErrorKind.InvalidParameter,
        (_, HyperVCodes.MsvmSystemInUse) => HypervisorErrorKind.InUse,
        (_, HyperVCodes.MsvmInvalidState) => HypervisorErrorKind.InvalidState,
        (_, HyperVCodes.MsvmIncorrectDataType) => HypervisorErrorKind.InvalidParameter,
        (_, HyperVCodes.MsvmFileNotFound) => HypervisorErrorKind.NotFound,
        _ => HypervisorErrorKind.Failed,
    };
}
