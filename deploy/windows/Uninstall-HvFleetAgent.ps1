<#
.SYNOPSIS
    Removes the hvfleet-agent Windows service installed by Install-HvFleetAgent.ps1.

.DESCRIPTION
    Stops the service (running jobs drain first), deletes it, removes its firewall rule and its
    "Hyper-V Administrators" membership, and deletes the program directory. The data directory
    (job database, logs, certificates, and the default export root <DataDirectory>\exports) is kept
    unless -RemoveData is given; export roots elsewhere are never touched. Running it again when nothing is left does nothing. -WhatIf shows
    every change without making it. Works in Windows PowerShell 5.1 and PowerShell 7.

.EXAMPLE
    & "$env:ProgramFiles\HvFleet\Agent\scripts\Uninstall-HvFleetAgent.ps1" -RemoveData
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Where the program was installed.
    [string] $InstallDirectory = (Join-Path $env:ProgramFiles 'HvFleet\Agent'),

    # The agent's data directory (job database, logs, tls\).
    [string] $DataDirectory = (Join-Path $env:ProgramData 'HvFleet\Agent'),

    # Also delete the data directory, including the certificates and private key.
    [switch] $RemoveData,

    # Service name used at install time.
    [ValidatePattern('^[A-Za-z][A-Za-z0-9_-]{0,79}$')]
    [string] $ServiceName = 'HvFleetAgent',

    # How long to wait for the service to stop (jobs drain first).
    [ValidateRange(5, 3600)]
    [int] $StopTimeoutSeconds = 180
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$HyperVAdministratorsSid = 'S-1-5-32-578'
$ServiceAccount = "NT SERVICE\$ServiceName"
$FirewallRuleName = "$ServiceName-gRPC"

$identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
$isAdministrator = (New-Object System.Security.Principal.WindowsPrincipal($identity)).IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
if (-not $WhatIfPreference -and -not $isAdministrator) {
    throw 'Uninstall-HvFleetAgent: nothing was changed: run this script from an elevated PowerShell (as Administrator).'
}

# The script may run from inside the directory it deletes: work from elsewhere.
Set-Location -LiteralPath $env:SystemRoot

$service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($null -ne $service) {
    if ($service.Status -ne 'Stopped' -and $PSCmdlet.ShouldProcess($ServiceName, 'Stop service (jobs drain first)')) {
        Stop-Service -Name $ServiceName
        $service.WaitForStatus('Stopped', [TimeSpan]::FromSeconds($StopTimeoutSeconds))
    }

    # Before the service goes, while its virtual account still resolves.
    $group = (New-Object System.Security.Principal.SecurityIdentifier($HyperVAdministratorsSid)).Translate([System.Security.Principal.NTAccount]).Value
    $groupName = $group.Substring($group.IndexOf('\') + 1)
    $members = & net.exe localgroup $groupName 2>&1
    if (($members | Where-Object { $_ -eq $ServiceAccount -or $_ -eq $ServiceName }) -and $PSCmdlet.ShouldProcess($groupName, "Remove $ServiceAccount")) {
        & net.exe localgroup $groupName $ServiceAccount /delete | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "net localgroup $groupName $ServiceAccount /delete failed with exit code $LASTEXITCODE." }
    }

    if ($PSCmdlet.ShouldProcess($ServiceName, 'Delete service')) {
        & sc.exe delete $ServiceName | Out-Null
        # 1072: already marked for deletion (a console still holds a handle to it).
        if ($LASTEXITCODE -ne 0 -and $LASTEXITCODE -ne 1072) { throw "sc.exe delete $ServiceName failed with exit code $LASTEXITCODE." }
    }
}

$rule = Get-NetFirewallRule -Name $FirewallRuleName -ErrorAction SilentlyContinue
if ($null -ne $rule -and $PSCmdlet.ShouldProcess($FirewallRuleName, 'Remove firewall rule')) {
    $rule | Remove-NetFirewallRule
}

if ((Test-Path -LiteralPath $InstallDirectory) -and $PSCmdlet.ShouldProcess($InstallDirectory, 'Delete program directory')) {
    Remove-Item -LiteralPath $InstallDirectory -Recurse -Force
}

if ($RemoveData -and (Test-Path -LiteralPath $DataDirectory) -and $PSCmdlet.ShouldProcess($DataDirectory, 'Delete data directory (job database, logs, certificates)')) {
    Remove-Item -LiteralPath $DataDirectory -Recurse -Force
}

Write-Host "HvFleet agent service $ServiceName is removed."
