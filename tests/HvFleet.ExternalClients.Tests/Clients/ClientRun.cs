using System.Text.Json;

namespace HvFleet.ExternalClients.Tests.Clients;

/// <summary>What one client script run printed: its exit code, its whole output, and its <c>RESULT {json}</c> lines.</summary>
internal sealed class ClientRun
{
    private const string ResultPrefix = "RESULT ";

    public ClientRun(string language, string clientCase, int exitCode, string output, IEnumerable<string> standardOutput)
    {
        Language = language;
        Case = clientCase;
        ExitCode = exitCode;
        Output = output;
        Results = [.. standardOutput
            .Where(line => line.StartsWith(ResultPrefix, StringComparison.Ordinal))
            .Select(line =>
            {
                using var document = JsonDocument.Parse(line[ResultPrefix.Length..]);
                return document.RootElement.Clone();
            })];
    }

    public string Language { get; }

    public string Case { get; }

    public int ExitCode { get; }

    public string Output { get; }

    public IReadOnlyList<JsonElement> Results { get; }

    /// <summary>The client ran to its end: exit code 0 and its closing "ALL OK".</summary>
    public void AssertCompleted()
    {
        Assert.True(ExitCode == 0, $"{Language} {Case} exited with {ExitCode}:\n{Output}");
        Assert.Contains("ALL OK", Output, StringComparison.Ordinal);
    }

    /// <summary>The only result of that kind.</summary>
    public JsonElement Single(string kind)
    {
        var matches = Results.Where(r => r.GetProperty("kind").GetString() == kind).ToList();
        Assert.True(matches.Count == 1, $"{Language} {Case}: expected one '{kind}' result, got {matches.Count}:\n{Output}");
        return matches[0];
    }

    /// <summary>Every result of that kind, in order.</summary>
    public IReadOnlyList<JsonElement> All(string kind) => [.. Results.Where(r => r.GetProperty("kind").GetString() == kind)];

    /// <summary>The gRPC status (code name, details) that the named failing call got.</summary>
    public (string Code, string Details) Status(string call)
    {
        var status = All("status").SingleOrDefault(r => r.GetProperty("call").GetString() == call);
        Assert.True(status.ValueKind == JsonValueKind.Object, $"{Language} {Case}: no status result for {call}:\n{Output}");
        return (status.GetProperty("code").GetString()!, status.GetProperty("details").GetString()!);
    }
}
