using System.Globalization;
using System.Xml;

namespace HvFleet.Hypervisors.HyperV.Wmi;

/// <summary>Reading WMI values, quoting WQL literals and reading embedded CIM-XML instances.</summary>
internal static class WmiValues
{
    /// <summary>Reads an unsigned integer of any CIM width; null when the property is null.</summary>
    public static uint? ToUInt32(object? value) => value switch
    {
        null => null,
        byte b => b,
        ushort s => s,
        uint u => u,
        ulong l => checked((uint)l),
        sbyte sb => checked((uint)sb),
        short sh => checked((uint)sh),
        int i => checked((uint)i),
        long l => checked((uint)l),
        string s when uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new WmiException(WmiErrorKind.TypeMismatch, $"Expected an unsigned integer, got {value.GetType().Name}."),
    };

    public static string? ToText(object? value) => value switch
    {
        null => null,
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    public static bool ToBoolean(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => bool.TryParse(s, out var parsed) && parsed,
        _ => ToUInt32(value) != 0,
    };

    public static IReadOnlyList<string> ToStrings(object? value) => value switch
    {
        null => [],
        string[] array => array,
        string single => [single],
        _ => throw new WmiException(WmiErrorKind.TypeMismatch, $"Expected a string array, got {value.GetType().Name}."),
    };

    /// <summary>
    /// Parses a DMTF datetime (<c>yyyymmddHHMMSS.mmmmmmsUUU</c>, UUU = offset in minutes), the format
    /// ManagementDateTimeConverter.ToDateTime reads (reference §5.1). Null when absent or not absolute.
    /// </summary>
    public static DateTimeOffset? ToDateTime(object? value)
    {
        if (value is not string text || text.Length != 25 || text[21] is not ('+' or '-'))
        {
            return null;
        }

        if (!DateTime.TryParseExact(text[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            || !int.TryParse(text.AsSpan(15, 6), NumberStyles.None, CultureInfo.InvariantCulture, out var micro)
            || !int.TryParse(text.AsSpan(22, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
        {
            return null;
        }

        var offset = TimeSpan.FromMinutes(text[21] == '-' ? -minutes : minutes);
        return new DateTimeOffset(local.AddTicks(micro * 10L), offset);
    }

    /// <summary>Formats a DMTF absolute datetime.</summary>
    public static string FromDateTime(DateTimeOffset value)
    {
        var minutes = (int)value.Offset.TotalMinutes;
        var micro = (value.Ticks % TimeSpan.TicksPerSecond) / 10;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{value:yyyyMMddHHmmss}.{micro:D6}{(minutes < 0 ? '-' : '+')}{Math.Abs(minutes):D3}");
    }

    /// <summary>Formats a DMTF interval (<c>ddddddddhhmmss.mmmmmm:000</c>), e.g. TimeBeforeRemoval.</summary>
    public static string FromInterval(TimeSpan value)
    {
        var micro = (value.Ticks % TimeSpan.TicksPerSecond) / 10;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{value.Days:D8}{value.Hours:D2}{value.Minutes:D2}{value.Seconds:D2}.{micro:D6}:000");
    }

    /// <summary>Quotes a string as a WQL literal (single quotes; backslash and quote escaped).</summary>
    public static string QuoteWql(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>
    /// Reads the values of one property from every embedded instance text in <paramref name="cimXml"/>
    /// (CIM-XML DTD 2.0: <c>INSTANCE/PROPERTY[@NAME]/VALUE</c>), as GetErrorEx returns Msvm_Error (reference §7).
    /// </summary>
    public static string? ReadEmbeddedProperty(string cimXml, string propertyName)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(cimXml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element
                    && reader.Name == "PROPERTY"
                    && string.Equals(reader.GetAttribute("NAME"), propertyName, StringComparison.OrdinalIgnoreCase))
                {
                    using var property = reader.ReadSubtree();
                    while (property.Read())
                    {
                        if (property.NodeType == XmlNodeType.Element && property.Name == "VALUE")
                        {
                            return property.ReadElementContentAsString();
                        }
                    }

                    return null;
                }
            }
        }
        catch (XmlException)
        {
            // Not CIM-XML: the caller falls back to the raw text.
        }

        return null;
    }
}
