using System.Globalization;

namespace HvFleet.Orchestrator.Benchmarks;

/// <summary>The benchmark's command line.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        usage: HvFleet.Orchestrator.Benchmarks [--latency SECONDS] [--hosts N,N,...] [--runs R]
                                               [--ansible-hosts N] [--ansible-runs R] [--no-grpc] [--no-ansible] [--no-in-process]
                                               [--min-threads N] [--agents-dir DIR] [--agents-min-threads N]
                                               [--planning-parallelism N] [--quick]
          --latency        backend latency L injected into every lab snapshot (default 1)
          --hosts          fleet sizes of the gRPC table (default 50,200,1000)
          --runs           measured runs per size after the first (cold) one; medians are printed (default 3)
          --ansible-hosts  hosts of the no-op comparison with Ansible's ping (default 50)
          --ansible-runs   interleaved rounds of that comparison (default 3)
          --no-grpc        skip the table with real agents over gRPC
          --no-ansible     skip the Ansible comparison
          --no-in-process  skip the table with in-process fake agents
          --min-threads    ThreadPool.SetMinThreads for the orchestrator process (default: the runtime's own)
          --agents-dir     where the agents keep their job stores and labs (default: the temporary directory)
          --agents-min-threads  ThreadPool.SetMinThreads for the agents process (default: the runtime's own)
          --planning-parallelism  the orchestrator's HvFleet:Orchestrator:PlanningParallelism (default: its default)
          --quick          smoke run for the test command: --latency 0.2 --hosts 5,20 --runs 1 --no-ansible
                           (flags after it still apply); its figures mean little
        """;

    public TimeSpan Latency { get; init; } = TimeSpan.FromSeconds(1);

    public IReadOnlyList<int> Hosts { get; init; } = [50, 200, 1000];

    public int Runs { get; init; } = 3;

    public int AnsibleHosts { get; init; } = 50;

    public int AnsibleRuns { get; init; } = 3;

    public bool Grpc { get; init; } = true;

    public bool Ansible { get; init; } = true;

    public bool InProcess { get; init; } = true;

    public int MinThreads { get; init; }

    public string AgentsDirectory { get; init; } = Path.GetTempPath();

    public int AgentsMinThreads { get; init; }

    public int PlanningParallelism { get; init; }

    /// <summary>The options, or every problem found, each naming its flag.</summary>
    public static (BenchOptions? Options, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var errors = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            int Positive(string? text, int min = 1)
            {
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min)
                {
                    return n;
                }

                errors.Add($"{flag}: expected an integer of at least {min}, got '{text}'");
                return min;
            }

            switch (flag)
            {
                case "--latency":
                    string? latency = Value();
                    if (double.TryParse(latency, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= 600)
                    {
                        options = options with { Latency = TimeSpan.FromSeconds(seconds) };
                    }
                    else
                    {
                        errors.Add($"--latency: expected seconds in (0, 600], got '{latency}'");
                    }

                    break;
                case "--hosts":
                    options = options with { Hosts = (Value() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(h => Positive(h)).ToList() };
                    if (options.Hosts.Count == 0)
                    {
                        errors.Add("--hosts: expected a comma-separated list of fleet sizes");
                    }

                    break;
                case "--runs":
                    options = options with { Runs = Positive(Value()) };
                    break;
                case "--ansible-hosts":
                    options = options with { AnsibleHosts = Positive(Value()) };
                    break;
                case "--ansible-runs":
                    options = options with { AnsibleRuns = Positive(Value()) };
                    break;
                case "--quick":
                    options = options with { Latency = TimeSpan.FromSeconds(0.2), Hosts = [5, 20], Runs = 1, Ansible = false };
                    break;
                case "--no-grpc":
                    options = options with { Grpc = false };
                    break;
                case "--no-ansible":
                    options = options with { Ansible = false };
                    break;
                case "--no-in-process":
                    options = options with { InProcess = false };
                    break;
                case "--min-threads":
                    options = options with { MinThreads = Positive(Value()) };
                    break;
                case "--planning-parallelism":
                    options = options with { PlanningParallelism = Positive(Value()) };
                    break;
                case "--agents-min-threads":
                    options = options with { AgentsMinThreads = Positive(Value()) };
                    break;
                case "--agents-dir":
                    string? directory = Value();
                    if (directory is { Length: > 0 } && Directory.Exists(directory))
                    {
                        options = options with { AgentsDirectory = Path.GetFullPath(directory) };
                    }
                    else
                    {
                        errors.Add($"--agents-dir: '{directory}' is not an existing directory");
                    }

                    break;
                default:
                    errors.Add($"unknown argument '{flag}'");
                    break;
            }
        }

        return errors.Count == 0 ? (options, errors) : (null, errors);
    }
}
