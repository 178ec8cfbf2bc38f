using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>
/// Embedded instances as CIM-XML (DTD 2.0), the text <c>GetText(TextFormat.CimDtd20)</c> produces
/// and Hyper-V methods parse: <c>&lt;INSTANCE CLASSNAME="…"&gt;&lt;PROPERTY NAME="…" TYPE="…"&gt;&lt;VALUE&gt;…</c>.
/// </summary>
internal static class CimXml
{
    public static string Write(CimClass cimClass, IReadOnlyDictionary<string, object?> values)
    {
        var instance = new XElement("INSTANCE", new XAttribute("CLASSNAME", cimClass.Name));
        foreach (var property in cimClass.Properties.Values)
        {
            var value = values.GetValueOrDefault(property.Name);
            if (property.IsArray)
            {
                var element = new XElement("PROPERTY.ARRAY", new XAttribute("NAME", property.Name), new XAttribute("TYPE", property.TypeName));
                if (value is Array array)
                {
                    element.Add(new XElement("VALUE.ARRAY", array.Cast<object>().Select(v => new XElement("VALUE", Text(v)))));
                }

                instance.Add(element);
            }
            else
            {
                var element = new XElement("PROPERTY", new XAttribute("NAME", property.Name), new XAttribute("TYPE", property.TypeName));
                if (value is not null)
                {
                    element.Add(new XElement("VALUE", Text(value)));
                }

                instance.Add(element);
            }
        }

        return instance.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>
    /// Parses an embedded instance and checks it against the schema. Returns an error text (what a
    /// Hyper-V method would reject) instead of throwing.
    /// </summary>
    public static (string? ClassName, Dictionary<string, object?> Values, string? Error) Parse(CimSchema schema, string text)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        XElement root;
        try
        {
            root = XElement.Parse(text);
        }
        catch (XmlException ex)
        {
            return (null, values, "embedded instance is not CIM-XML: " + ex.Message);
        }

        if (root.Name != "INSTANCE" || root.Attribute("CLASSNAME")?.Value is not { Length: > 0 } className)
        {
            return (null, values, "embedded instance has no INSTANCE CLASSNAME");
        }

        var cimClass = schema.Find(className);
        if (cimClass is null)
        {
            return (className, values, $"unknown class {className}");
        }

        foreach (var element in root.Elements())
        {
            var name = element.Attribute("NAME")?.Value ?? string.Empty;
            var property = cimClass.Property(name);
            if (property is null)
            {
                return (className, values, $"{className} has no property {name}");
            }

            if (!string.Equals(element.Attribute("TYPE")?.Value, property.TypeName, StringComparison.Ordinal))
            {
                return (className, values, $"{className}.{name} has TYPE {element.Attribute("TYPE")?.Value}, expected {property.TypeName}");
            }

            if (property.IsArray)
            {
                var items = element.Element("VALUE.ARRAY")?.Elements("VALUE").Select(v => v.Value).ToArray();
                values[property.Name] = items;
                continue;
            }

            var valueElement = element.Element("VALUE");
            if (valueElement is null)
            {
                values[property.Name] = null;
                continue;
            }

            if (!property.TryParseText(valueElement.Value, out var parsed))
            {
                return (className, values, $"{className}.{name} value '{valueElement.Value}' is not a {property.TypeName}");
            }

            values[property.Name] = parsed;
        }

        return (className, values, null);
    }

    private static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>An Msvm_Error as GetErrorEx returns it.</summary>
    public static string Error(CimSchema schema, string message, string messageId, string? source)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Message"] = message,
            ["MessageID"] = messageId,
            ["ErrorSource"] = source,
            ["ErrorType"] = (ushort)1,
            ["PerceivedSeverity"] = (ushort)6,
            ["CIMStatusCode"] = 1u,
        };
        return Write(schema.Find("Msvm_Error")!, values);
    }

    public static string Describe(IReadOnlyDictionary<string, object?> values) =>
        new StringBuilder().AppendJoin(", ", values.Select(kv => $"{kv.Key}={kv.Value}")).ToString();
}
