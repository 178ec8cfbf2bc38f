using System.Globalization;

namespace HvFleet.Security.Text;

/// <summary>
/// Unicode bidirectional-control characters (U+202A..U+202E embeddings and overrides, U+2066..U+2069
/// isolates, U+200E/U+200F marks, U+061C Arabic letter mark). They change how text is displayed, not
/// what it is, so a name or path holding one reads differently in a log, a terminal or a review than
/// what the system acts on ("Trojan Source", CVE-2021-42574). Names, paths and ids refuse them.
/// </summary>
public static class BidiControls
{
    /// <summary>Whether <paramref name="c"/> is a bidirectional-control character.</summary>
    public static bool IsBidiControl(char c) =>
        c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';

    /// <summary>Null when <paramref name="value"/> holds none, else what is wrong (the first one, by code point and position).</summary>
    public static string? Describe(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (IsBidiControl(value[i]))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"contains the bidirectional control character U+{(int)value[i]:X4} at position {i} (it makes text display differently from what it is)");
            }
        }

        return null;
    }
}
