namespace HvFleet.Agent.Jobs;

/// <summary>
/// A request field that is wrong, named as in the API (proto field path, e.g.
/// <c>settings.differential_backup_base</c> or <c>vms.vm_ids[2]</c>), with what is wrong.
/// </summary>
internal sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
