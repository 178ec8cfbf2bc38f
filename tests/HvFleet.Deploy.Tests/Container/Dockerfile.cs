namespace HvFleet.Deploy.Tests.Container;

/// <summary>A Dockerfile as its instructions (keyword, arguments), continuation lines joined, comments dropped.</summary>
internal sealed record Dockerfile(IReadOnlyList<(string Keyword, string Arguments)> Instructions)
{
    public static Dockerfile Load(string path)
    {
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            line = pending + line;
            pending = "";
            if (line.Length == 0)
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0 ? (line.ToUpperInvariant(), "") : (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim()));
        }

        return new Dockerfile(instructions);
    }

    public IEnumerable<string> All(string keyword) => Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    /// <summary>The instructions of the last stage (after the last FROM).</summary>
    public Dockerfile FinalStage()
    {
        var last = Instructions.Select((i, n) => (i, n)).Last(x => x.i.Keyword == "FROM").n;
        return new Dockerfile([.. Instructions.Skip(last)]);
    }
}
