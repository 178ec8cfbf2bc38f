using HvFleet.Security.Pki;

namespace HvFleet.Security.Tests;

/// <summary>A fleet CA in a temporary directory, issuing certificates with <see cref="PkiCommands"/>.</summary>
internal sealed class TestPki : IDisposable
{
    private TestPki(string directory, TimeProvider time)
    {
        Directory = directory;
        Commands = new PkiCommands(time);
    }

    public string Directory { get; }

    public PkiCommands Commands { get; }

    public string CaCertificate => Path.Combine(Directory, PkiFiles.CaCertificate);

    public static async Task<TestPki> CreateAsync(TimeProvider? time = null)
    {
        var pki = new TestPki(System.IO.Directory.CreateTempSubdirectory("hvfleet-pki-").FullName, time ?? TimeProvider.System);
        var init = await pki.Commands.InitAsync(pki.Directory, null, CancellationToken.None);
        Assert.True(init.Succeeded, init.Error);
        return pki;
    }

    /// <summary>Issues NAME.crt/NAME.key in the CA directory; returns (certificate, key) paths.</summary>
    public async Task<(string Certificate, string Key)> IssueAsync(string name, string role, string[]? dns = null, string[]? ip = null, PkiOptions? options = null)
    {
        var result = await Commands.IssueAsync(Directory, name, role, dns ?? ["localhost"], ip ?? ["127.0.0.1"], Directory, options, CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
        return (Path.Combine(Directory, PkiFiles.Certificate(name)), Path.Combine(Directory, PkiFiles.Key(name)));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
