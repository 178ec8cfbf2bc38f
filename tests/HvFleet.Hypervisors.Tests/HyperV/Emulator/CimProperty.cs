using System.Globalization;
using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>A property or method parameter: name, CIM type, array or not.</summary>
internal sealed record CimProperty(string Name, CimType Type, bool IsArray)
{
    public string TypeName => Type switch
    {
        CimType.UInt8 => "uint8",
        CimType.UInt16 => "uint16",
        CimType.UInt32 => "uint32",
        CimType.Boolean => "boolean",
        CimType.DateTime => "datetime",
        CimType.Reference => "reference",
        _ => "string",
    };

    public static CimType ParseType(string name) => name switch
    {
        "uint8" => CimType.UInt8,
        "uint16" => CimType.UInt16,
        "uint32" => CimType.UInt32,
        "boolean" => CimType.Boolean,
        "datetime" => CimType.DateTime,
        "ref" or "reference" => CimType.Reference,
        "string" => CimType.String,
        _ => throw new ArgumentException($"Unknown CIM type '{name}'.", nameof(name)),
    };

    /// <summary>
    /// Converts an assigned value to this property's CLR type the way System.Management does:
    /// integers of any width convert when they fit; anything else is a type mismatch.
    /// </summary>
    public object? Coerce(object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (IsArray)
        {
            return value switch
            {
                string[] strings when Type is CimType.String or CimType.Reference => strings.ToArray(),
                ushort[] numbers when Type is CimType.UInt16 => numbers.ToArray(),
                _ => throw Mismatch(value),
            };
        }

        return Type switch
        {
            CimType.String or CimType.DateTime or CimType.Reference => value as string ?? throw Mismatch(value),
            CimType.Boolean => value as bool? ?? throw Mismatch(value),
            CimType.UInt8 => (byte)Integer(value, byte.MaxValue),
            CimType.UInt16 => (ushort)Integer(value, ushort.MaxValue),
            CimType.UInt32 => (uint)Integer(value, uint.MaxValue),
            _ => throw Mismatch(value),
        };
    }

    /// <summary>Parses a CIM-XML VALUE text into this property's CLR type; null when it does not parse.</summary>
    public bool TryParseText(string text, out object? value)
    {
        value = null;
        switch (Type)
        {
            case CimType.Boolean:
                if (bool.TryParse(text, out var b))
                {
                    value = b;
                    return true;
                }

                return false;
            case CimType.UInt8 when byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u8):
                value = u8;
                return true;
            case CimType.UInt16 when ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u16):
                value = u16;
                return true;
            case CimType.UInt32 when uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u32):
                value = u32;
                return true;
            case CimType.String or CimType.DateTime or CimType.Reference:
                value = text;
                return true;
            default:
                return false;
        }
    }

    private ulong Integer(object value, ulong max)
    {
        long signed;
        switch (value)
        {
            case byte or ushort or uint or ulong:
                var unsigned = Convert.ToUInt64(value, CultureInfo.InvariantCulture);
                return unsigned <= max ? unsigned : throw Mismatch(value);
            case sbyte or short or int or long:
                signed = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return signed >= 0 && (ulong)signed <= max ? (ulong)signed : throw Mismatch(value);
            default:
                throw Mismatch(value);
        }
    }

    private WmiException Mismatch(object value) =>
        new(WmiErrorKind.TypeMismatch, $"Type mismatch: {value} ({value.GetType().Name}) does not fit {Name} ({TypeName}{(IsArray ? "[]" : string.Empty)}).");
}
