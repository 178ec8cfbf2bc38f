namespace HvFleet.Security.Pki;

/// <summary>File names of the fleet PKI.</summary>
public static class PkiFiles
{
    public const string CaCertificate = "ca.crt";
    public const string CaKey = "ca.key";

    public static string Certificate(string name) => name + ".crt";

    public static string Key(string name) => name + ".key";
}
