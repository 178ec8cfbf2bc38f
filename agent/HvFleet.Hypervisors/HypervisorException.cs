namespace HvFleet.Hypervisors;

/// <summary>What kind of failure a hypervisor reported; the agent maps it to a gRPC status or a failed job.</summary>
public enum HypervisorErrorKind
{
    Failed = 0,
    NotFound = 1,
    InvalidState = 2,
    InvalidParameter = 3,
    InUse = 4,
    NotSupported = 5,
    AccessDenied = 6,
    Timeout = 7,
    AlreadyExists = 8,

    /// <summary>The volume being written is full (ENOSPC, ERROR_DISK_FULL).</summary>
    NoSpace = 9,
}

/// <summary>A hypervisor failure carrying Hyper-V's numeric code unchanged, with its meaning.</summary>
public sealed class HypervisorException : Exception
{
    public HypervisorException(HypervisorErrorKind kind, uint hyperVCode, HyperVCodeFamily family, string description, Exception? innerException = null)
        : base(description, innerException)
    {
        Kind = kind;
        HyperVCode = hyperVCode;
        Family = family;
        Summary = HyperVCodes.Describe(hyperVCode, family);
        Description = description;
    }

    public HypervisorErrorKind Kind { get; }

    /// <summary>The method return value or job ErrorCode, unchanged.</summary>
    public uint HyperVCode { get; }

    public HyperVCodeFamily Family { get; }

    /// <summary>The code's documented meaning.</summary>
    public string Summary { get; }

    /// <summary>Full detail (ErrorDescription, GetErrorEx messages, or the lab's explanation).</summary>
    public string Description { get; }

    /// <summary>Not found: an unknown VM, group, snapshot or job id (Msvm 32779-style, raised by the agent).</summary>
    public static HypervisorException NotFound(string what) =>
        new(HypervisorErrorKind.NotFound, HyperVCodes.MsvmFileNotFound, HyperVCodeFamily.Msvm, what);

    /// <summary>Invalid state, CIM family (5) or Msvm family (32775).</summary>
    public static HypervisorException InvalidState(string what, HyperVCodeFamily family = HyperVCodeFamily.Cim) =>
        new(HypervisorErrorKind.InvalidState, family == HyperVCodeFamily.Msvm ? HyperVCodes.MsvmInvalidState : HyperVCodes.InvalidState, family, what);

    /// <summary>Invalid parameter, CIM family (4) or Msvm family (32773).</summary>
    public static HypervisorException InvalidParameter(string what, HyperVCodeFamily family = HyperVCodeFamily.Cim) =>
        new(HypervisorErrorKind.InvalidParameter, family == HyperVCodeFamily.Msvm ? HyperVCodes.MsvmInvalidParameter : HyperVCodes.InvalidParameter, family, what);

    /// <summary>In use (Msvm 32774).</summary>
    public static HypervisorException InUse(string what) =>
        new(HypervisorErrorKind.InUse, HyperVCodes.MsvmSystemInUse, HyperVCodeFamily.Msvm, what);
}
