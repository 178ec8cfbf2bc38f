using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>The field checks of the Start and Retry requests: every problem found, each naming its field.</summary>
internal static class OperationRequestChecks
{
    public static List<string> Snapshot(FleetSnapshotRequest request, IReadOnlyList<FleetHost> inventory)
    {
        var errors = new List<string>(request.Policy.Validate());
        if (request.Hosts.IsEmpty)
        {
            errors.Add("hosts: select all, names or labels");
        }
        else
        {
            var (hosts, unknown) = HostSelection.Select(inventory, request.Hosts);
            if (unknown.Count > 0)
            {
                errors.Add($"hosts.names: not in the inventory: {string.Join(", ", unknown)}");
            }
            else if (hosts.Count == 0)
            {
                errors.Add("hosts: no inventory host matches the selector");
            }
        }

        if (request.Targets.Kind != TargetSelectorKind.AllCollections && request.Targets.Names.Count == 0)
        {
            errors.Add("targets: name at least one VM group or VM");
        }

        if (request.Targets.Names.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("targets: names must not be empty");
        }

        if (request.Name.Length > 100)
        {
            errors.Add("name: at most 100 characters");
        }

        RequestText.RefuseBidiControls("name", request.Name, errors);
        RequestText.RefuseBidiControls("request_id", request.RequestId, errors);
        for (var i = 0; i < request.Targets.Names.Count; i++)
        {
            RequestText.RefuseBidiControls($"targets.names[{i}]", request.Targets.Names[i], errors);
        }

        if (request.Kind is not (FleetSnapshotKind.Standard or FleetSnapshotKind.Recovery))
        {
            errors.Add("snapshot_type: must be STANDARD or RECOVERY");
        }

        return errors;
    }

    /// <summary>The checks that need no source operation (those that do are the launcher's).</summary>
    public static List<string> Export(FleetExportRequest request)
    {
        var errors = new List<string>(request.Policy.Validate());
        if (DestinationTemplate.Validate(request.DestinationTemplate) is { } templateError)
        {
            errors.Add(templateError);
        }

        RequestText.RefuseBidiControls("destination_template", request.DestinationTemplate, errors);
        RequestText.RefuseBidiControls("request_id", request.RequestId, errors);
        return errors;
    }

    public static List<string> Retry(FleetPolicy policy, string requestId)
    {
        var errors = new List<string>(policy.Validate());
        RequestText.RefuseBidiControls("request_id", requestId, errors);
        return errors;
    }
}
