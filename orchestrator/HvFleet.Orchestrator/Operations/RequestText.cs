using HvFleet.Security.Text;

namespace HvFleet.Orchestrator.Operations;

/// <summary>Rules for the free text of requests (names, templates, request ids) that every start shares.</summary>
public static class RequestText
{
    /// <summary>Adds "<paramref name="field"/>: ..." to <paramref name="errors"/> when <paramref name="value"/> holds a
    /// bidirectional-control character (see <see cref="BidiControls"/>).</summary>
    public static void RefuseBidiControls(string field, string? value, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (BidiControls.Describe(value) is { } problem)
        {
            errors.Add($"{field}: {problem}");
        }
    }
}
