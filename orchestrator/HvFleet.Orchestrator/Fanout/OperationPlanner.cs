using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Turns an operation into tasks: hosts × targets, resolved by listing each agent (the only agent calls a
/// dry run makes), assigned to waves of <see cref="FleetPolicy.WaveSize"/> hosts in inventory order.</summary>
internal sealed class OperationPlanner(
    IFleetInventory inventory,
    IAgentConnector connector,
    HostClients hosts,
    TimeProvider timeProvider,
    OrchestratorOptions options)
{
    /// <summary>A host the planner could not list: its targets become tasks with this outcome.</summary>
    private sealed record ListingFailure(TaskOutcome Outcome, TaskError Error);

    public async Task<IReadOnlyList<FleetTask>> PlanAsync(FleetOperation operation, FleetOperation? source, CancellationToken cancellationToken)
    {
        List<(string Host, List<FleetTask> Tasks)> perHost = operation switch
        {
            { RetryOf.Length: > 0 } => await PlanRetryAsync(operation, source!, cancellationToken),
            { Kind: OperationKind.Export } => PlanExport(operation, source!),
            _ => await PlanSnapshotAsync(operation, cancellationToken),
        };

        return Number(perHost, operation.Policy.WaveSize);
    }

    private async Task<List<(string, List<FleetTask>)>> PlanSnapshotAsync(FleetOperation operation, CancellationToken cancellationToken)
    {
        var (hosts, _) = HostSelection.Select(inventory.Hosts, operation.Hosts);
        var results = new List<FleetTask>[hosts.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, hosts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.PlanningParallelism, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await PlanHostAsync(operation, hosts[i], operation.Targets, ct));
        return hosts.Select((h, i) => (h.Name, results[i])).ToList();
    }

    private static List<(string, List<FleetTask>)> PlanExport(FleetOperation operation, FleetOperation source)
    {
        var perHost = new List<(string, List<FleetTask>)>();
        foreach (var group in source.Tasks.Where(t => t.Outcome == TaskOutcome.Succeeded && !t.CleanedUp && t.SnapshotIds.Count > 0)
                     .GroupBy(t => t.HostName, StringComparer.OrdinalIgnoreCase))
        {
            var tasks = new List<FleetTask>();
            foreach (var sourceTask in group)
            {
                for (int i = 0; i < sourceTask.SnapshotIds.Count; i++)
                {
                    string snapshotId = sourceTask.SnapshotIds[i];
                    string target = sourceTask.SnapshotIds.Count == 1 ? sourceTask.TargetName : $"{sourceTask.TargetName}-{i + 1}";
                    tasks.Add(new FleetTask
                    {
                        Id = "",
                        HostName = sourceTask.HostName,
                        StorageKey = sourceTask.StorageKey,
                        TargetKind = TargetKind.Snapshot,
                        TargetId = snapshotId,
                        TargetName = target,
                        RequestId = RequestIds.ForTarget(operation.Id, sourceTask.HostName, TargetKind.Snapshot, snapshotId),
                        ExportPath = DestinationTemplate.Expand(operation.DestinationTemplate, sourceTask.HostName,
                            operation.CreatedAt, operation.Id, target),
                    });
                }
            }

            perHost.Add((group.Key, tasks));
        }

        return perHost;
    }

    private async Task<List<(string, List<FleetTask>)>> PlanRetryAsync(FleetOperation operation, FleetOperation source,
        CancellationToken cancellationToken)
    {
        var perHost = new List<(string, List<FleetTask>)>();
        foreach (var group in source.Tasks.Where(t => t.Outcome.IsRetryable()).GroupBy(t => t.HostName, StringComparer.OrdinalIgnoreCase))
        {
            var tasks = new List<FleetTask>();
            foreach (var old in group)
            {
                if (old.TargetId.Length == 0 && source.Kind == OperationKind.Snapshot)
                {
                    // The original could not resolve this target (host unreachable while planning): resolve it now.
                    var host = hosts.FindHost(old.HostName);
                    var selector = old.TargetName == "*" ? source.Targets : source.Targets with { Names = [old.TargetName] };
                    tasks.AddRange(host is null
                        ? [Unresolved(operation, old.HostName, "", old.TargetKind, old.TargetName, MissingHost(old.HostName))]
                        : await PlanHostAsync(operation, host, selector, cancellationToken));
                    continue;
                }

                tasks.Add(old with
                {
                    Id = "",
                    Outcome = TaskOutcome.Pending,
                    AgentJobId = "",
                    SnapshotIds = [],
                    Error = null,
                    Attempts = 0,
                    StartedAt = null,
                    FinishedAt = null,
                    Percent = 0,
                    BytesDone = 0,
                    BytesTotal = 0,
                    StatusText = "",
                    CleanedUp = false,
                    RequestId = RequestIds.ForTarget(operation.Id, old.HostName, old.TargetKind, old.TargetId),
                    PreviousJobId = old.AgentJobId.Length > 0 ? old.AgentJobId : old.PreviousJobId,
                });
            }

            perHost.Add((group.Key, tasks));
        }

        return perHost;
    }

    /// <summary>The tasks for one host: listed targets, or placeholders carrying why the host could not be listed.</summary>
    private async Task<List<FleetTask>> PlanHostAsync(FleetOperation operation, FleetHost host, TargetSelector selector,
        CancellationToken cancellationToken)
    {
        var client = connector.GetClient(host);
        var kind = selector.Kind == TargetSelectorKind.VirtualMachines ? TargetKind.VirtualMachine : TargetKind.Collection;
        IReadOnlyList<(string Id, string Name)> available;
        try
        {
            available = await WithRetriesAsync(operation.Policy, async ct => kind == TargetKind.VirtualMachine
                ? (await client.ListVirtualMachinesAsync(ct)).Select(v => (v.Id, v.Name)).ToList()
                : (await client.ListCollectionsAsync(ct)).Select(c => (c.Id, c.Name)).ToList(), cancellationToken);
        }
        catch (ListingException ex)
        {
            var names = selector.Kind == TargetSelectorKind.AllCollections ? ["*"] : selector.Names;
            return names.Select(n => Unresolved(operation, host.Name, host.StorageKey, kind, n, ex.Failure)).ToList();
        }

        var tasks = new List<FleetTask>();
        var chosen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (selector.Kind == TargetSelectorKind.AllCollections)
        {
            foreach (var (id, name) in available.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase))
            {
                tasks.Add(Resolved(operation, host, kind, id, name));
            }

            return tasks;
        }

        foreach (string wanted in selector.Names)
        {
            var match = available.FirstOrDefault(a => string.Equals(a.Id, wanted, StringComparison.OrdinalIgnoreCase));
            if (match.Id is null)
            {
                var byName = available.Where(a => string.Equals(a.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
                if (byName.Count > 1)
                {
                    tasks.Add(Unresolved(operation, host.Name, host.StorageKey, kind, wanted, new ListingFailure(TaskOutcome.Failed,
                        new TaskError(0, "ambiguous target", $"{byName.Count} {KindText(kind)}s on {host.Name} are named '{wanted}'; use the id", 0))));
                    continue;
                }

                match = byName.FirstOrDefault();
            }

            if (match.Id is null)
            {
                tasks.Add(Unresolved(operation, host.Name, host.StorageKey, kind, wanted, new ListingFailure(TaskOutcome.Failed,
                    new TaskError(0, "target not found", $"no {KindText(kind)} named or with id '{wanted}' on {host.Name}", (int)AgentStatusCode.NotFound))));
            }
            else if (chosen.Add(match.Id))
            {
                tasks.Add(Resolved(operation, host, kind, match.Id, match.Name));
            }
        }

        return tasks;
    }

    private async Task<T> WithRetriesAsync<T>(FleetPolicy policy, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var timeout = policy.HostTimeout is { } t ? new CancellationTokenSource(t, timeProvider) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            ListingFailure failure;
            try
            {
                return await call(linked.Token);
            }
            catch (AgentCallException ex)
            {
                failure = new ListingFailure(AgentFailures.OutcomeOf(ex), AgentFailures.ErrorOf(ex));
                if (!ex.IsRetryable)
                {
                    throw new ListingException(failure);
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                failure = new ListingFailure(TaskOutcome.TimedOut,
                    new TaskError(0, "timed out", $"listing targets took longer than {policy.HostTimeout}", (int)AgentStatusCode.DeadlineExceeded));
            }

            if (attempt > policy.MaxRetries)
            {
                throw new ListingException(failure);
            }

            await Task.Delay(RetryBackoff.Delay(policy, attempt, Random.Shared.NextDouble()), timeProvider, cancellationToken);
        }
    }

    private static FleetTask Resolved(FleetOperation operation, FleetHost host, TargetKind kind, string id, string name) => new()
    {
        Id = "",
        HostName = host.Name,
        StorageKey = host.StorageKey,
        TargetKind = kind,
        TargetId = id,
        TargetName = name,
        RequestId = RequestIds.ForTarget(operation.Id, host.Name, kind, id),
    };

    private FleetTask Unresolved(FleetOperation operation, string host, string storageKey, TargetKind kind, string name, ListingFailure failure)
    {
        var now = timeProvider.GetUtcNow();
        return new FleetTask
        {
            Id = "",
            HostName = host,
            StorageKey = storageKey,
            TargetKind = kind,
            TargetName = name,
            Outcome = failure.Outcome,
            Error = failure.Error,
            StatusText = failure.Error.Description,
            StartedAt = now,
            FinishedAt = now,
            RequestId = RequestIds.ForTarget(operation.Id, host, kind, "name:" + name),
        };
    }

    private static ListingFailure MissingHost(string host) => new(TaskOutcome.Failed,
        new TaskError(0, "host not in inventory", $"host '{host}' is no longer in the inventory", (int)AgentStatusCode.NotFound));

    private static string KindText(TargetKind kind) => kind == TargetKind.VirtualMachine ? "VM" : "VM group";

    private static List<FleetTask> Number(List<(string Host, List<FleetTask> Tasks)> perHost, int waveSize)
    {
        var all = new List<FleetTask>();
        for (int h = 0; h < perHost.Count; h++)
        {
            int wave = waveSize > 0 ? h / waveSize : 0;
            foreach (var task in perHost[h].Tasks)
            {
                all.Add(task with { Id = $"t{all.Count + 1:D4}", Wave = wave });
            }
        }

        return all;
    }

    private sealed class ListingException(ListingFailure failure) : Exception(failure.Error.Description)
    {
        public ListingFailure Failure { get; } = failure;
    }
}
