using HvFleet.Agent.Jobs;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class ExportPathConfinementTests : IDisposable
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "hvfleet-confine-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;
    private readonly string _outside;

    public ExportPathConfinementTests()
    {
        _root = Path.Combine(_base, "exports");
        _outside = Path.Combine(_base, "elsewhere");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
    }

    [Fact]
    public void Confine_NewDirectoryInsideRoot_ReturnsIt()
    {
        var path = Path.Combine(_root, "host1", "nightly");

        Assert.Equal(path, ExportPathConfinement.Confine(path, [_root], out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Confine_DotDotEscapingTheRoot_IsRefused()
    {
        var path = Path.Combine(_root, "..", "elsewhere", "x");

        Assert.Null(ExportPathConfinement.Confine(path, [_root], out var error));
        Assert.Contains("export roots", error, StringComparison.Ordinal);
        Assert.Contains("'..'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Confine_SymlinkInsideRootPointingOutside_IsRefused()
    {
        var link = Path.Combine(_root, "sneaky");
        Directory.CreateSymbolicLink(link, _outside);

        Assert.Null(ExportPathConfinement.Confine(Path.Combine(link, "x"), [_root], out var error));
        Assert.Contains(Path.Combine(_outside, "x"), error, StringComparison.Ordinal);
    }

    [Fact]
    public void Confine_RelativeSymlinkChainOutside_IsRefused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "a", "up"), Path.Combine("..", "..", "elsewhere"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "hop"), Path.Combine("a", "up"));

        Assert.Null(ExportPathConfinement.Confine(Path.Combine(_root, "hop", "x"), [_root], out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Confine_SymlinkInsideRootPointingInside_ResolvesToTheTarget()
    {
        var real = Path.Combine(_root, "real");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), real);

        Assert.Equal(Path.Combine(real, "x"), ExportPathConfinement.Confine(Path.Combine(_root, "alias", "x"), [_root], out _));
    }

    [Fact]
    public void Confine_RootThatIsASymlink_IsResolvedToo()
    {
        var linkedRoot = Path.Combine(_base, "linked-root");
        Directory.CreateSymbolicLink(linkedRoot, _root);

        Assert.Equal(Path.Combine(_root, "x"), ExportPathConfinement.Confine(Path.Combine(linkedRoot, "x"), [linkedRoot], out _));
    }

    [Fact]
    public void Confine_SecondRoot_IsAccepted()
    {
        Assert.NotNull(ExportPathConfinement.Confine(Path.Combine(_outside, "x"), [_root, _outside], out _));
    }

    [Fact]
    public void Confine_TheRootItself_IsRefused()
    {
        Assert.Null(ExportPathConfinement.Confine(_root + Path.DirectorySeparatorChar, [_root], out var error));
        Assert.Contains("not the root itself", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Confine_SiblingWithRootAsPrefix_IsRefused()
    {
        Assert.Null(ExportPathConfinement.Confine(_root + "-evil" + Path.DirectorySeparatorChar + "x", [_root], out _));
    }

    [Fact]
    public void Confine_ExistingFile_IsRefused()
    {
        var file = Path.Combine(_root, "file.txt");
        File.WriteAllText(file, "x");

        Assert.Null(ExportPathConfinement.Confine(file, [_root], out var error));
        Assert.Contains("file", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("relative/path", "absolute")]
    [InlineData("/exports/a\u0007b", "control characters")]
    public void Confine_BadInput_SaysWhy(string path, string message)
    {
        Assert.Null(ExportPathConfinement.Confine(path, [_root], out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Confine_NoRoots_IsRefused()
    {
        Assert.Null(ExportPathConfinement.Confine(Path.Combine(_root, "x"), [], out var error));
        Assert.Contains("no export roots", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Confine_LinkCycle_IsRefusedNotHung()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "loop1"), Path.Combine(_root, "loop2"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "loop2"), Path.Combine(_root, "loop1"));

        Assert.Null(ExportPathConfinement.Confine(Path.Combine(_root, "loop1", "x"), [_root], out var error));
        Assert.NotNull(error);
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
