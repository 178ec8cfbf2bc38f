namespace HvFleet.Agent.Jobs;

/// <summary>What a job does (values match the API's JobKind).</summary>
internal enum JobKind
{
    CreateSnapshot = 1,
    ExportSnapshot = 2,
    DeleteSnapshot = 3,
}
