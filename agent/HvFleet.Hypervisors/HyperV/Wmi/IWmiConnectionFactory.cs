namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>Opens the WMI connection lazily, so that a host without Hyper-V fails on first use with a clear error.</summary>
internal interface IWmiConnectionFactory
{
    IWmiConnection Connect();
}
