using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace HvFleet.Deploy.Tests.Linux;

[Collection(AgentPackagesCollection.Name)]
public sealed class LinuxAgentPackageTests(AgentPackagesFixture packages)
{
    [Fact]
    public void Package_Executable_IsAnExecutableElfWithItsRuntimeBeside()
    {
        var exe = Path.Combine(packages.LinuxPackage, "bin", "hvfleet-agent");
        var magic = new byte[4];
        using (var stream = File.OpenRead(exe))
        {
            stream.ReadExactly(magic);
        }

        Assert.Equal("\u007fELF"u8.ToArray(), magic);
        Assert.True(!OperatingSystem.IsWindows() && File.GetUnixFileMode(exe).HasFlag(UnixFileMode.UserExecute));

        // Self-contained: the runtime travels with it, so the host needs no .NET.
        Assert.True(File.Exists(Path.Combine(packages.LinuxPackage, "bin", "libcoreclr.so")));
        Assert.True(File.Exists(Path.Combine(packages.LinuxPackage, "bin", "hvfleet-agent.dll")));
    }

    [Fact]
    public async Task Package_Executable_RunsAndPrintsItsUsage()
    {
        var result = await ProcessRunner.RunAsync(Path.Combine(packages.LinuxPackage, "bin", "hvfleet-agent"), ["--help"], TimeSpan.FromMinutes(2));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: hvfleet-agent", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_Settings_AreTheLabBackendWithTls()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(packages.LinuxPackage, "appsettings.json")));
        var agent = settings.RootElement.GetProperty("Agent");

        Assert.Equal("Lab", agent.GetProperty("Backend").GetString());
        Assert.False(agent.GetProperty("Insecure").GetBoolean());
        Assert.StartsWith("/etc/hvfleet-agent/tls/", agent.GetProperty("TlsKey").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(packages.LinuxPackage, "bin", "appsettings.json")), "the project's development settings are not shipped");
    }

    [Fact]
    public void Package_Contents_HoldUnitInstallerAndReadme()
    {
        foreach (var file in new[] { "hvfleet-agent.service", "install-agent.sh", "README.md", "VERSION" })
        {
            Assert.True(File.Exists(Path.Combine(packages.LinuxPackage, file)), file + " is in the package");
        }

        Assert.Equal(
            File.ReadAllText(RepositoryPaths.Deploy("linux", "hvfleet-agent.service")),
            File.ReadAllText(Path.Combine(packages.LinuxPackage, "hvfleet-agent.service")));
    }

    [Fact]
    public void Package_Tarball_HoldsThePackageFolderOwnedByRoot()
    {
        var name = Path.GetFileName(packages.LinuxPackage);
        var entries = new List<TarEntry>();
        using (var gzip = new GZipStream(File.OpenRead(packages.LinuxPackage + ".tar.gz"), CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                entries.Add(entry);
            }
        }

        Assert.Contains(entries, e => e.Name.TrimEnd('/') == name + "/bin/hvfleet-agent" && e.Mode.HasFlag(UnixFileMode.UserExecute));
        Assert.Contains(entries, e => e.Name == name + "/hvfleet-agent.service");
        Assert.All(entries, e => Assert.StartsWith(name + "/", e.Name.TrimEnd('/') + "/", StringComparison.Ordinal));
        Assert.All(entries.OfType<PosixTarEntry>(), e => Assert.Equal(0, e.Uid));
    }
}
