namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>The CIM types the emulated classes use, with the CLR types System.Management returns for them.</summary>
internal enum CimType
{
    UInt8,
    UInt16,
    UInt32,
    Boolean,
    String,
    DateTime,
    Reference,
}
