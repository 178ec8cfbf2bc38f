using HvFleet.Security.Paths;

namespace HvFleet.Security.Tests.Paths;

public sealed class ExportPathPolicyTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("hvfleet-paths-").FullName;
    private readonly string _root;
    private readonly string _outside;

    public ExportPathPolicyTests()
    {
        _root = Path.Combine(_base, "exports");
        _outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
    }

    /// <summary>Hostile export directories, POSIX and Windows forms; ROOT is replaced by the export root.</summary>
    public static TheoryData<string> HostilePaths => new()
    {
        // POSIX forms
        "ROOT/../outside/x",
        "ROOT/a/../../outside",
        "ROOT/..",
        "ROOT/a/b/../../../x",
        "relative/dir",
        "./ROOT/x",
        "../x",
        "~/exports/x",
        "/etc",
        "/dev/null",
        "/proc/self/root/x",
        "ROOT/a:stream",
        "ROOT/file.txt:secret:$DATA",
        "ROOT/CON",
        "ROOT/nul.txt",
        "ROOT/sub/COM1",
        "ROOT/LPT9.log",
        "ROOT/AUX ",
        "ROOT/dir.",
        "ROOT/x*",
        "ROOT/what?",
        "//server/share/exports/x",
        "ROOT-evil/x",
        // Windows forms, refused on every OS
        @"C:\exports\..\Windows",
        @"C:\exports\x\..\..\Windows\System32",
        @"C:relative\x",
        @"\exports\x",
        @"exports\x",
        @"\\server\share\exports",
        @"\\?\C:\exports\x",
        @"\\.\C:\exports\x",
        @"\\.\PhysicalDrive0",
        @"\\?\UNC\server\share\x",
        @"\??\C:\Windows",
        @"//?/C:/exports/x",
        @"//./NUL",
        @"C:\exports\CON",
        @"C:\exports\con.txt",
        @"C:\exports\COM¹",
        @"C:\exports\CONIN$",
        @"C:\exports\x:stream",
        @"C:\exports\x::$INDEX_ALLOCATION",
        @"C:\exports\x.",
        @"C:\exports\x ",
        @"C:\exports\a<b",
        @"C:\exports\a|b",
        @"\/server\share",
    };

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public void Evaluate_HostilePath_IsDeniedNamingTheRoots(string hostile)
    {
        var path = hostile.Replace("ROOT", _root, StringComparison.Ordinal);

        var decision = ExportPathPolicy.Evaluate(path, [_root]);

        Assert.Equal(ExportPathVerdict.Denied, decision.Verdict);
        Assert.Null(decision.Path);
        Assert.Contains(_root, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void HostilePaths_Table_HasAtLeastThirtyEntries() => Assert.True(HostilePaths.Count >= 30, $"{HostilePaths.Count} entries");

    [Fact]
    public void Evaluate_NewDirectoryInsideRoot_IsAllowed()
    {
        var path = Path.Combine(_root, "host1", "nightly-2026.11.22");

        var decision = ExportPathPolicy.Evaluate(path, [_root]);

        Assert.Equal(ExportPathVerdict.Allowed, decision.Verdict);
        Assert.Equal(path, decision.Path);
    }

    [Fact]
    public void Evaluate_InsideALinkedRoot_ReportsTheResolvedRootTheWriterOpensFrom()
    {
        var linkedRoot = Path.Combine(_base, "exports-link");
        Directory.CreateSymbolicLink(linkedRoot, _root);

        var decision = ExportPathPolicy.Evaluate(Path.Combine(linkedRoot, "host1"), [_outside, linkedRoot]);

        Assert.Equal(ExportPathVerdict.Allowed, decision.Verdict);
        Assert.Equal(Path.Combine(_root, "host1"), decision.Path);
        Assert.Equal(_root, decision.Root);
    }

    [Fact]
    public void Evaluate_SymlinkInsideRootPointingOutside_IsDeniedWithTheResolvedPath()
    {
        var link = Path.Combine(_root, "sneaky");
        Directory.CreateSymbolicLink(link, _outside);

        var decision = ExportPathPolicy.Evaluate(Path.Combine(link, "x"), [_root]);

        Assert.Equal(ExportPathVerdict.Denied, decision.Verdict);
        Assert.Contains(Path.Combine(_outside, "x"), decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TheRootItself_IsDenied()
    {
        var decision = ExportPathPolicy.Evaluate(_root, [_root]);

        Assert.Equal(ExportPathVerdict.Denied, decision.Verdict);
        Assert.Contains("not the root itself", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("/exports/a\u0000b", "control characters")]
    public void Evaluate_MalformedPath_IsInvalid(string path, string reason)
    {
        var decision = ExportPathPolicy.Evaluate(path, [_root]);

        Assert.Equal(ExportPathVerdict.Invalid, decision.Verdict);
        Assert.Contains(reason, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UncPathWhenARootIsUnc_IsNotRefusedForBeingUnc()
    {
        Assert.Null(ExportPathPolicy.CheckText(@"\\nas\backups\host1", [@"\\nas\backups"]));
        Assert.NotNull(ExportPathPolicy.CheckText(@"\\nas\backups\host1", [_root]));
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
