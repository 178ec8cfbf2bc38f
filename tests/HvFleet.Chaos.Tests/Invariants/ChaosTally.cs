using System.Globalization;
using System.Text;

namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>The counts of a chaos run and the findings behind them. A finding is counted once, however many later
/// checks see it again (keyed by what it is about: a checkpoint id, a path).</summary>
internal sealed class ChaosTally
{
    private readonly Dictionary<FindingKind, int> _counts = Enum.GetValues<FindingKind>().ToDictionary(k => k, _ => 0);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _findings = [];

    /// <summary>Kills delivered (SIGKILL).</summary>
    public int Kills { get; private set; }

    /// <summary>Kills delivered while the job or operation was still running (the others landed just after its end).</summary>
    public int KillsMidWork { get; private set; }

    /// <summary>Kills delivered while a restarted process was starting (recovering what the previous kill left).</summary>
    public int KillsInRestart { get; private set; }

    public IReadOnlyList<string> Findings => _findings;

    public int Count(FindingKind kind) => _counts[kind];

    public void RecordKill(bool midWork)
    {
        Kills++;
        if (midWork)
        {
            KillsMidWork++;
        }
    }

    public void RecordRestartKill()
    {
        Kills++;
        KillsInRestart++;
    }

    /// <summary>Counts a finding the first time <paramref name="key"/> is reported for <paramref name="kind"/>.</summary>
    public void Add(FindingKind kind, string key, string description)
    {
        if (_seen.Add(kind + "|" + key))
        {
            _counts[kind]++;
            _findings.Add($"[{kind}] {description}");
        }
    }

    /// <summary>The table the lead quotes: kills, orphans, duplicates, partial exports, writes outside roots, other.</summary>
    public string Table(string title, int seed)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{title} (seed {seed}; replay with {ChaosSeed.Variable}={seed})");
        table.AppendLine("| kills (mid-work, in a restart) | orphans | duplicates | partial exports | writes outside roots | other |");
        table.AppendLine("|---|---|---|---|---|---|");
        table.AppendLine(CultureInfo.InvariantCulture,
            $"| {Kills} ({KillsMidWork}, {KillsInRestart}) | {Count(FindingKind.Orphan)} | {Count(FindingKind.Duplicate)} | {Count(FindingKind.PartialExport)} | {Count(FindingKind.WriteOutsideRoots)} | {Count(FindingKind.Other)} |");
        if (_findings.Count > 0)
        {
            table.AppendLine("Findings:");
            foreach (string finding in _findings)
            {
                table.AppendLine("  " + finding);
            }
        }

        return table.ToString();
    }
}
