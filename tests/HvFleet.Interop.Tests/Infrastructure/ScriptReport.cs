using System.Text.RegularExpressions;

namespace HvFleet.Interop.Tests.Infrastructure;

/// <summary>
/// The per-case report of an interop client script: "PASS name" or "FAIL name: reason" lines,
/// then "N passed, N failed".
/// </summary>
internal sealed partial class ScriptReport
{
    private readonly Dictionary<string, string?> _failures = new(StringComparer.Ordinal);

    private ScriptReport(string output, int exitCode)
    {
        Output = output;
        ExitCode = exitCode;
    }

    public string Output { get; }

    public int ExitCode { get; }

    /// <summary>Case names in the order reported.</summary>
    public List<string> Cases { get; } = [];

    /// <summary>The final count line's figures, or null if the script never printed it.</summary>
    public (int Passed, int Failed)? Summary { get; private set; }

    public static ScriptReport Parse(string output, int exitCode)
    {
        var report = new ScriptReport(output, exitCode);
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (CaseLine().Match(line) is { Success: true } m)
            {
                var name = m.Groups["name"].Value;
                report.Cases.Add(name);
                report._failures[name] = m.Groups["verdict"].Value == "PASS" ? null : m.Groups["reason"].Value;
            }
            else if (SummaryLine().Match(line) is { Success: true } s)
            {
                report.Summary = (int.Parse(s.Groups["p"].Value, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(s.Groups["f"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return report;
    }

    /// <summary>Asserts the case was reported and passed, with the script's output on failure.</summary>
    public void AssertPassed(string testCase)
    {
        Assert.True(_failures.TryGetValue(testCase, out var failure), $"Case '{testCase}' was not reported. Output:\n{Output}");
        Assert.True(failure is null, $"Case '{testCase}' failed: {failure}");
    }

    [GeneratedRegex(@"^(?<verdict>PASS|FAIL) (?<name>[a-z0-9_]+)(: (?<reason>.*))?$")]
    private static partial Regex CaseLine();

    [GeneratedRegex(@"^(?<p>\d+) passed, (?<f>\d+) failed$")]
    private static partial Regex SummaryLine();
}
