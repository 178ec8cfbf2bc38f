using System.Globalization;

namespace HvFleet.Chaos.Tests.Invariants;

/// <summary>The seed that picks every kill point of a chaos run: HVFLEET_CHAOS_SEED when set (to replay a run), a
/// fresh one otherwise; the tests print it first.</summary>
internal static class ChaosSeed
{
    public const string Variable = "HVFLEET_CHAOS_SEED";

    /// <summary>The seed, or a clear error when the variable is set to something that is not a whole number.</summary>
    public static int Resolve()
    {
        string? text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Random.Shared.Next(1, int.MaxValue);
        }

        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed)
            ? seed
            : throw new InvalidOperationException($"{Variable} must be a whole number (32-bit), got '{text}'.");
    }

    /// <summary>A whole-number setting from the environment (e.g. the number of kills), or the default.</summary>
    public static int Setting(string variable, int defaultValue, int minimum)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value
            : throw new InvalidOperationException($"{variable} must be a whole number of at least {minimum}, got '{text}'.");
    }
}
