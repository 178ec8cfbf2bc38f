using System.Text.RegularExpressions;

namespace HvFleet.Deploy.Tests.Windows;

/// <summary>
/// The install scripts are checked statically: no PowerShell is installable from our registries
/// (Debian has no powershell package), so they have not been run here.
/// </summary>
public sealed class PowerShellScriptTests
{
    public static TheoryData<string> Scripts => new() { "Install-HvFleetAgent.ps1", "Uninstall-HvFleetAgent.ps1" };

    // Commands that change the machine; each must run under ShouldProcess (so -WhatIf skips it)
    // or inside a helper function that is itself only called there.
    private static readonly Regex Mutating = new(
        @"\b(New-Service|Set-ItemProperty|New-NetFirewallRule|Remove-NetFirewallRule|Start-Service|Stop-Service|Restart-Service|Copy-Item|Remove-Item|New-Item|Set-Acl|Add-LocalGroupMember)\b" +
        @"|'sc\.exe'\s*@\('(config|failure|failureflag|sidtype|delete|create)'|sc\.exe\s+(config|failure|failureflag|sidtype|delete|create)\b" +
        @"|'icacls\.exe'|/add'|\s/add\b|\s/delete\b",
        RegexOptions.IgnoreCase);

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_Brackets_AreBalancedOutsideStringsAndComments(string name)
    {
        var script = PowerShellScript.Load(RepositoryPaths.Deploy("windows", name));

        Assert.Empty(script.BracketErrors);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_Header_DeclaresCmdletBindingWithSupportsShouldProcessBeforeParam(string name)
    {
        var script = PowerShellScript.Load(RepositoryPaths.Deploy("windows", name));

        var binding = Regex.Match(script.Code, @"^\[CmdletBinding\(SupportsShouldProcess\s*=\s*\$true\)\]\s*\r?\n\s*param\s*\(", RegexOptions.Multiline);
        Assert.True(binding.Success, "[CmdletBinding(SupportsShouldProcess = $true)] directly above param(");
        Assert.Contains("Set-StrictMode -Version", script.Code, StringComparison.Ordinal);
        Assert.Contains("$ErrorActionPreference = 'Stop'", script.WithoutComments, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_EveryMachineChange_RunsOnlyUnderShouldProcess(string name)
    {
        var script = PowerShellScript.Load(RepositoryPaths.Deploy("windows", name));

        var unguarded = script.Lines.Where(l => Mutating.IsMatch(l.Text) && !l.Guarded).Select(l => $"{l.Number}: {l.Text.Trim()}").ToList();
        Assert.Empty(unguarded);
        Assert.True(script.Lines.Count(l => Mutating.IsMatch(l.Text)) >= 5, "the check found the script's changes");
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_Syntax_IsWindowsPowerShell51Compatible(string name)
    {
        var script = PowerShellScript.Load(RepositoryPaths.Deploy("windows", name));

        // PowerShell 7-only operators and parameters (outside strings and comments).
        foreach (var construct in new[] { "??", "?.", "&&", "||", "-AsHashtable", "-Parallel", "-AdditionalChildPath", "clean {" })
        {
            Assert.DoesNotContain(construct, script.Code, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(@"\)\s*\?\s*[^\s]+\s*:\s", script.Code); // ternary
        Assert.DoesNotMatch(@"Join-Path\s+\S+\s+'[^']*'\s+'", script.WithoutComments); // Join-Path with a third part
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_EveryParameter_IsDocumentedInTheWindowsReadme(string name)
    {
        var script = PowerShellScript.Load(RepositoryPaths.Deploy("windows", name));
        var readme = File.ReadAllText(RepositoryPaths.Deploy("windows", "README.md"));

        var parameters = script.ParameterNames();

        Assert.NotEmpty(parameters);
        Assert.All(parameters, p => Assert.Contains("`-" + p + "`", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void Install_Parameters_AreTheDocumentedSet()
    {
        var script = PowerShellScript.Load(RepositoryPaths.Deploy("windows", "Install-HvFleetAgent.ps1"));

        Assert.Equal(
            [
                "PackagePath", "InstallDirectory", "DataDirectory", "ExportRoot", "OrchestratorAddress", "ListenAddress",
                "Port", "CertificatePath", "KeyPath", "CaCertificatePath", "ServiceName", "HealthTimeoutSeconds",
            ],
            script.ParameterNames());
    }

    [Fact]
    public void Install_Steps_CoverAccountGroupRecoveryFirewallKeyAclAndHealth()
    {
        var text = PowerShellScript.Load(RepositoryPaths.Deploy("windows", "Install-HvFleetAgent.ps1")).WithoutComments;

        Assert.Contains("\"NT SERVICE\\$ServiceName\"", text, StringComparison.Ordinal); // virtual account
        Assert.Contains("'S-1-5-32-578'", text, StringComparison.Ordinal); // Hyper-V Administrators, by SID
        Assert.Matches(@"'sc\.exe' @\('failure', \$ServiceName, 'reset=', '\d+', 'actions=', 'restart/", text);
        Assert.Contains("-RemoteAddress $OrchestratorAddress", text, StringComparison.Ordinal);
        Assert.Contains("'/inheritance:r'", text, StringComparison.Ordinal); // key ACL: no inherited access
        Assert.Contains("PreshutdownTimeout", text, StringComparison.Ordinal);
        Assert.Contains("WaitForStatus('Running'", text, StringComparison.Ordinal);
        Assert.Contains("System.Net.Sockets.TcpClient", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnbalancedBlock_IsReported()
    {
        var script = PowerShellScript.Parse("if ($x) {\n  Write-Host '}'\n");

        Assert.Equal(["line 1: '{' is never closed"], script.BracketErrors);
    }

    [Fact]
    public void Parse_MutatingLineOutsideShouldProcess_IsNotGuarded()
    {
        var script = PowerShellScript.Parse(
            "function Set-Thing {\n  Remove-Item x\n}\nif ($PSCmdlet.ShouldProcess('x', 'y')) {\n  Remove-Item y\n}\nRemove-Item z # oops\n");

        Assert.Equal([true, true, true, true, true, true, false], script.Lines.Take(7).Select(l => l.Guarded));
    }
}
