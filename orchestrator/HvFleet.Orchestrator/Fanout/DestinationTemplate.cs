using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Export directory templates: {host}, {date} (yyyyMMdd), {time} (HHmmss), {operation}, {target}.</summary>
public static partial class DestinationTemplate
{
    private static readonly string[] Known = ["host", "date", "time", "operation", "target"];

    /// <summary>Null when valid, else what is wrong (naming the placeholder).</summary>
    public static string? Validate(string template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return "destination_template is required";
        }

        foreach (Match match in Placeholder().Matches(template))
        {
            if (!Known.Contains(match.Groups[1].Value))
            {
                return $"destination_template has an unknown placeholder '{match.Value}' (known: {{host}}, {{date}}, {{time}}, {{operation}}, {{target}})";
            }
        }

        return null;
    }

    /// <summary>The directory for one target. Times are the operation's creation time in UTC, so a resumed or
    /// retried export writes to the same directory.</summary>
    public static string Expand(string template, string host, DateTimeOffset createdAt, string operationId, string target) =>
        Placeholder().Replace(template, m => m.Groups[1].Value switch
        {
            "host" => Sanitize(host),
            "date" => createdAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            "time" => createdAt.UtcDateTime.ToString("HHmmss", CultureInfo.InvariantCulture),
            "operation" => operationId,
            "target" => Sanitize(target),
            _ => m.Value,
        });

    // A target name becomes one path segment: no separators, no "..".
    private static string Sanitize(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        string result = builder.ToString().Trim('.');
        return result.Length == 0 ? "_" : result;
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)\}")]
    private static partial Regex Placeholder();
}
