namespace HvFleet.Security.Pki;

/// <summary>The outcome of a PKI command: the files written, or why nothing was written.</summary>
public sealed record PkiResult(bool Succeeded, IReadOnlyList<string> Files, string? Error)
{
    public static PkiResult Success(IReadOnlyList<string> files) => new(true, files, null);

    public static PkiResult Failure(string error) => new(false, [], error);
}
