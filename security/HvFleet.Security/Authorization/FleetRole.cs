namespace HvFleet.Security.Authorization;

/// <summary>What a caller may do; each role includes the ones below it.</summary>
public enum FleetRole
{
    /// <summary>List, get, watch, health.</summary>
    Viewer = 1,

    /// <summary>Viewer plus snapshot, export, cancel, retry.</summary>
    Operator = 2,

    /// <summary>Operator plus delete snapshots and cleanup.</summary>
    Admin = 3,
}
