namespace HvFleet.Hypervisors;

/// <summary>Hyper-V's backup intent (collection class numbering: 1 preserve chain, 2 merge).</summary>
public enum BackupIntent
{
    Default = 0,
    PreserveChain = 1,
    Merge = 2,
}
