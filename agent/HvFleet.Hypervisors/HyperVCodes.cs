namespace HvFleet.Hypervisors;

/// <summary>
/// Hyper-V WMI return values and their meanings (reference hyperv-wmi.md §1.1, §5.4).
/// CIM-style methods use 1–6; Msvm-style methods use 32768–32779; both use 0 and 4096.
/// </summary>
public static class HyperVCodes
{
    public const uint Completed = 0;
    public const uint NotSupported = 1;
    public const uint Failed = 2;
    public const uint Timeout = 3;
    public const uint InvalidParameter = 4;
    public const uint InvalidState = 5;
    public const uint InvalidType = 6;
    public const uint JobStarted = 4096;

    public const uint MsvmFailed = 32768;
    public const uint MsvmAccessDenied = 32769;
    public const uint MsvmNotSupported = 32770;
    public const uint MsvmStatusUnknown = 32771;
    public const uint MsvmTimeout = 32772;
    public const uint MsvmInvalidParameter = 32773;
    public const uint MsvmSystemInUse = 32774;
    public const uint MsvmInvalidState = 32775;
    public const uint MsvmIncorrectDataType = 32776;
    public const uint MsvmSystemNotAvailable = 32777;
    public const uint MsvmOutOfMemory = 32778;
    public const uint MsvmFileNotFound = 32779;

    /// <summary>
    /// The documented meaning of a return value in the given family. 32768 and up mean the Msvm
    /// table only outside the CIM family: for a CIM-style method they are "vendor specific" (§1.1).
    /// </summary>
    public static string Describe(uint code, HyperVCodeFamily family) => (family, code) switch
    {
        (_, Completed) => "Completed with no error",
        (_, JobStarted) => "Method parameters checked - job started",
        (HyperVCodeFamily.Cim, NotSupported) => "Not supported",
        (HyperVCodeFamily.Cim, Failed) => "Failed",
        (HyperVCodeFamily.Cim, Timeout) => "Timeout",
        (HyperVCodeFamily.Cim, InvalidParameter) => "Invalid parameter",
        (HyperVCodeFamily.Cim, InvalidState) => "Invalid state",
        (HyperVCodeFamily.Cim, InvalidType) => "Invalid type",
        (not HyperVCodeFamily.Cim, MsvmFailed) => "Failed",
        (not HyperVCodeFamily.Cim, MsvmAccessDenied) => "Access denied",
        (not HyperVCodeFamily.Cim, MsvmNotSupported) => "Not supported",
        (not HyperVCodeFamily.Cim, MsvmStatusUnknown) => "Status is unknown",
        (not HyperVCodeFamily.Cim, MsvmTimeout) => "Timeout",
        (not HyperVCodeFamily.Cim, MsvmInvalidParameter) => "Invalid parameter",
        (not HyperVCodeFamily.Cim, MsvmSystemInUse) => "System is in use",
        (not HyperVCodeFamily.Cim, MsvmInvalidState) => "Invalid state for this operation",
        (not HyperVCodeFamily.Cim, MsvmIncorrectDataType) => "Incorrect data type",
        (not HyperVCodeFamily.Cim, MsvmSystemNotAvailable) => "System is not available",
        (not HyperVCodeFamily.Cim, MsvmOutOfMemory) => "Out of memory",
        (not HyperVCodeFamily.Cim, MsvmFileNotFound) => "File not found",
        (HyperVCodeFamily.Job, _) => "Job failed with error code " + code,
        (HyperVCodeFamily.Cim, >= 7 and <= 4095) => "DMTF reserved",
        (not HyperVCodeFamily.Cim, >= 1 and <= 4095) => "DMTF reserved",
        (_, >= 4097 and <= 32767) => "Method reserved",
        _ => "Vendor specific",
    };
}

/// <summary>Which table a Hyper-V code belongs to.</summary>
public enum HyperVCodeFamily
{
    /// <summary>CIM-derived methods: 1–6.</summary>
    Cim = 1,

    /// <summary>Msvm methods: 32768–32779.</summary>
    Msvm = 2,

    /// <summary>A job's ErrorCode (vendor specific).</summary>
    Job = 3,

    /// <summary>Raised by the agent or the lab itself.</summary>
    Agent = 4,
}
