using System.Globalization;
using System.Text;
using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>
/// WMI object paths: <c>\\SERVER\root\virtualization\v2:Class.Key1="v1",Key2="v2"</c>, or the
/// relative form after the colon. Class and key names compare case-insensitively; keys are sorted.
/// </summary>
internal static class ObjectPath
{
    public static string Relative(string className, IEnumerable<KeyValuePair<string, string>> keys) =>
        className + "." + string.Join(",", keys.OrderBy(k => k.Key, StringComparer.OrdinalIgnoreCase).Select(k => $"{k.Key}=\"{Escape(k.Value)}\""));

    public static string Full(string server, string nameSpace, string relative) => $@"\\{server}\{nameSpace}:{relative}";

    /// <summary>Parses a full or relative path into class and keys; throws for malformed text.</summary>
    public static (string ClassName, Dictionary<string, string> Keys) Parse(string path)
    {
        var text = path;
        if (text.StartsWith(@"\\", StringComparison.Ordinal))
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw Invalid(path);
            }

            text = text[(colon + 1)..];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            throw Invalid(path);
        }

        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = dot + 1;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= text.Length || text[eq + 1] != '"')
            {
                throw Invalid(path);
            }

            var name = text[i..eq];
            var value = new StringBuilder();
            var j = eq + 2;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                if (text[j] == '\\' && j + 1 < text.Length)
                {
                    j++;
                }

                value.Append(text[j]);
            }

            if (j >= text.Length)
            {
                throw Invalid(path);
            }

            keys[name] = value.ToString();
            i = j + 1;
            if (i < text.Length)
            {
                if (text[i] != ',')
                {
                    throw Invalid(path);
                }

                i++;
            }
        }

        return (text[..dot], keys);
    }

    /// <summary>The canonical form used as the store key.</summary>
    public static string Normalize(string path)
    {
        var (className, keys) = Parse(path);
        return Relative(className, keys).ToUpper(CultureInfo.InvariantCulture);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static WmiException Invalid(string path) => new(WmiErrorKind.Failed, $"Invalid object path: '{path}'.");
}
