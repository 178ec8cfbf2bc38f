using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace HvFleet.Deploy.Tests.Windows;

[Collection(AgentPackagesCollection.Name)]
public sealed class WindowsAgentPackageTests(AgentPackagesFixture packages)
{
    [Fact]
    public void Package_Executable_IsAWindowsX64ConsoleProgram()
    {
        var exe = Path.Combine(packages.WindowsPackage, "hvfleet-agent.exe");

        var image = PortableExecutable.Read(exe);

        Assert.NotNull(image);
        Assert.Equal(PortableExecutable.MachineAmd64, image.Machine);
        Assert.Equal(PortableExecutable.MagicPe32Plus, image.Magic);
        Assert.Equal(PortableExecutable.SubsystemWindowsCui, image.Subsystem);
        Assert.False(image.IsDll);
    }

    [Fact]
    public void Package_Executable_IsSelfContainedSingleFile()
    {
        // The runtime is bundled into the one file: no runtime DLLs beside it, and it is large.
        Assert.Empty(Directory.GetFiles(packages.WindowsPackage, "*.dll", SearchOption.AllDirectories));
        Assert.True(new FileInfo(Path.Combine(packages.WindowsPackage, "hvfleet-agent.exe")).Length > 30L * 1024 * 1024);
    }

    [Fact]
    public void Package_Contents_AreExactlyTheDocumentedFiles()
    {
        var files = Directory.GetFiles(packages.WindowsPackage, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(packages.WindowsPackage, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "README.md", "SHA256SUMS", "VERSION", "appsettings.template.json", "hvfleet-agent.exe",
                "scripts/Install-HvFleetAgent.ps1", "scripts/Uninstall-HvFleetAgent.ps1",
            ],
            files);
    }

    [Fact]
    public void Package_Template_IsHyperVWithTlsExportRootsAndListenAddress()
    {
        using var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(packages.WindowsPackage, "appsettings.template.json")));
        var agent = template.RootElement.GetProperty("Agent");

        Assert.Equal("HyperV", agent.GetProperty("Backend").GetString());
        Assert.Matches(@"^0\.0\.0\.0:\d+$", agent.GetProperty("Listen").GetString());
        Assert.False(agent.GetProperty("Insecure").GetBoolean());
        Assert.NotEmpty(agent.GetProperty("ExportRoots").EnumerateArray());
        Assert.All(agent.GetProperty("ExportRoots").EnumerateArray(), r => Assert.Matches(@"^[A-Z]:\\", r.GetString()));
        foreach (var key in new[] { "TlsCertificate", "TlsKey", "ClientCa", "DataDirectory" })
        {
            Assert.Matches(@"^[A-Z]:\\", agent.GetProperty(key).GetString());
        }

        Assert.True(template.RootElement.TryGetProperty("HyperV", out var hyperV));
        Assert.Equal(@"root\virtualization\v2", hyperV.GetProperty("NamespacePath").GetString());
        Assert.True(template.RootElement.GetProperty("Jobs").TryGetProperty("DrainGracePeriod", out _));
    }

    [Fact]
    public void Package_Scripts_AreTheRepositoryScripts()
    {
        foreach (var script in new[] { "Install-HvFleetAgent.ps1", "Uninstall-HvFleetAgent.ps1" })
        {
            Assert.Equal(
                File.ReadAllBytes(RepositoryPaths.Deploy("windows", script)),
                File.ReadAllBytes(Path.Combine(packages.WindowsPackage, "scripts", script)));
        }
    }

    [Fact]
    public void Package_Checksums_MatchEveryFile()
    {
        var lines = File.ReadAllLines(Path.Combine(packages.WindowsPackage, "SHA256SUMS"));

        Assert.Equal(6, lines.Length);
        foreach (var line in lines)
        {
            var digest = line[..64];
            var file = line[66..];
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(packages.WindowsPackage, file))));
            Assert.Equal(actual, digest);
        }
    }

    [Fact]
    public void Package_Zip_HoldsTheSameFilesUnderThePackageFolder()
    {
        var name = Path.GetFileName(packages.WindowsPackage);
        using var zip = ZipFile.OpenRead(packages.WindowsPackage + ".zip");

        var entries = zip.Entries.Where(e => e.Length > 0 || !e.FullName.EndsWith('/')).Select(e => e.FullName).Order(StringComparer.Ordinal).ToList();

        Assert.Contains(name + "/hvfleet-agent.exe", entries);
        Assert.Contains(name + "/scripts/Install-HvFleetAgent.ps1", entries);
        Assert.Equal(7, entries.Count);
        Assert.Equal(
            new FileInfo(Path.Combine(packages.WindowsPackage, "hvfleet-agent.exe")).Length,
            zip.GetEntry(name + "/hvfleet-agent.exe")!.Length);
    }

    [Fact]
    public void Package_Name_CarriesTheVersion()
    {
        var version = File.ReadAllText(Path.Combine(packages.WindowsPackage, "VERSION")).Trim();

        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        Assert.Equal($"hvfleet-agent-{version}-win-x64", Path.GetFileName(packages.WindowsPackage));
    }
}
