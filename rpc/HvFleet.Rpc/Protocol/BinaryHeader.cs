namespace HvFleet.Rpc.Protocol;

/// <summary>
/// Base64 for <c>-bin</c> metadata: emit unpadded; accept padded and unpadded, and
/// comma-joined repeated values (reference §1.1).
/// </summary>
public static class BinaryHeader
{
    public static string Encode(ReadOnlySpan<byte> value) => Convert.ToBase64String(value).TrimEnd('=');

    /// <summary>Decodes one header value (which may hold several comma-separated values).</summary>
    public static bool TryDecode(string value, out List<byte[]> values)
    {
        values = [];
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!TryDecodeOne(part, out var bytes))
            {
                return false;
            }

            values.Add(bytes);
        }

        return true;
    }

    public static bool TryDecodeOne(string value, out byte[] bytes)
    {
        bytes = [];
        var trimmed = value.Trim().TrimEnd('=');
        if (trimmed.Length % 4 == 1)
        {
            return false;
        }

        var padded = (trimmed.Length % 4) switch
        {
            2 => trimmed + "==",
            3 => trimmed + "=",
            _ => trimmed,
        };

        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
