using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Inventory;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>Many fake agents, with the concurrency actually observed on them (global, per host, per storage key).</summary>
internal sealed class FakeAgentFleet : IAgentConnector
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeAgent> _agents = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _runningPerHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _runningPerStorage = new(StringComparer.Ordinal);
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private int _running;
    private int _jobsStarted;

    public int MaxRunning { get; private set; }

    public int MaxHostsInFlight { get; private set; }

    public int MaxPerHost { get; private set; }

    public int MaxPerStorage { get; private set; }

    public int ClientRequests { get; private set; }

    public IReadOnlyList<FakeAgent> Agents
    {
        get
        {
            lock (_lock)
            {
                return [.. _agents.Values];
            }
        }
    }

    public FakeAgent this[string name] => _agents[name];

    public FakeAgent Add(string name, string storageKey = "", params string[] collections)
    {
        var agent = new FakeAgent(this, name, storageKey).WithCollections(collections);
        lock (_lock)
        {
            _agents.Add(name, agent);
        }

        return agent;
    }

    public IReadOnlyList<FleetHost> Inventory() => Agents.Select(a => new FleetHost
    {
        Name = a.Name,
        Address = $"{a.Name}.test:7443",
        StorageKey = a.StorageKey,
        Labels = new Dictionary<string, string> { ["storage"] = a.StorageKey.Length > 0 ? a.StorageKey : "local" },
    }).ToList();

    public IAgentClient GetClient(FleetHost host)
    {
        lock (_lock)
        {
            ClientRequests++;
            return _agents[host.Name];
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> jobs were started across the fleet.</summary>
    public Task WaitForJobsStartedAsync(int count)
    {
        lock (_lock)
        {
            if (_jobsStarted >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    internal void JobStarted(FakeAgent agent)
    {
        lock (_lock)
        {
            _jobsStarted++;
            _running++;
            MaxRunning = Math.Max(MaxRunning, _running);
            _runningPerHost[agent.Name] = _runningPerHost.GetValueOrDefault(agent.Name) + 1;
            MaxPerHost = Math.Max(MaxPerHost, _runningPerHost[agent.Name]);
            MaxHostsInFlight = Math.Max(MaxHostsInFlight, _runningPerHost.Count(kv => kv.Value > 0));
            if (agent.StorageKey.Length > 0)
            {
                _runningPerStorage[agent.StorageKey] = _runningPerStorage.GetValueOrDefault(agent.StorageKey) + 1;
                MaxPerStorage = Math.Max(MaxPerStorage, _runningPerStorage[agent.StorageKey]);
            }

            foreach (var waiter in _waiters.Where(w => _jobsStarted >= w.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    internal void JobEnded(FakeAgent agent)
    {
        lock (_lock)
        {
            _running--;
            _runningPerHost[agent.Name]--;
            if (agent.StorageKey.Length > 0)
            {
                _runningPerStorage[agent.StorageKey]--;
            }
        }
    }
}
