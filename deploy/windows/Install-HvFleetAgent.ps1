<#
.SYNOPSIS
    Installs (or upgrades) hvfleet-agent as a Windows service on a Hyper-V host.

.DESCRIPTION
    From an unzipped agent package (deploy/windows/build-agent-package.sh), in one run:
      1. copies the package to -InstallDirectory (stopping the service first on an upgrade);
      2. creates the service HvFleetAgent (automatic start, after vmms when Hyper-V is present),
         running under the virtual account "NT SERVICE\HvFleetAgent", restart on failure,
         a preshutdown timeout long enough for jobs to drain;
      3. adds that account to the local "Hyper-V Administrators" group (SID S-1-5-32-578);
      4. places the certificates issued by `hvfleet pki issue` in <DataDirectory>\tls, the private
         key readable only by the service account and Administrators;
      5. writes appsettings.json (listen address, Hyper-V backend, data directory, export roots, TLS);
      6. opens the agent's TCP port in Windows Firewall for the orchestrator addresses only;
      7. starts the service and waits until it is Running and its port accepts connections.
    Running it again with the same arguments changes nothing that is already right (idempotent).
    -WhatIf shows every change without making it. Works in Windows PowerShell 5.1 and PowerShell 7.

.EXAMPLE
    .\scripts\Install-HvFleetAgent.ps1 -OrchestratorAddress 10.0.5.20,10.0.5.21 `
        -CertificatePath .\pki\hv01.crt -KeyPath .\pki\hv01.key -CaCertificatePath .\pki\ca.crt `
        -ExportRoot E:\Exports
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # The unzipped package: the folder holding hvfleet-agent.exe (default: the parent of scripts\).
    [string] $PackagePath = (Split-Path -Parent $PSScriptRoot),

    # Where the program goes.
    [string] $InstallDirectory = (Join-Path $env:ProgramFiles 'HvFleet\Agent'),

    # Job database, logs, certificates (tls\).
    [string] $DataDirectory = (Join-Path $env:ProgramData 'HvFleet\Agent'),

    # Directories exports may be written under (the agent refuses any other). Default: <DataDirectory>\exports.
    [string[]] $ExportRoot = @(),

    # IP addresses, subnets (10.0.5.0/24) or ranges of the orchestrator(s): the only sources let through the firewall.
    [Parameter(Mandatory = $true)]
    [string[]] $OrchestratorAddress,

    # Address the agent listens on: 0.0.0.0 for every IPv4 address, or one of the host's addresses.
    [string] $ListenAddress = '0.0.0.0',

    # The agent's TCP port.
    [ValidateRange(1, 65535)]
    [int] $Port = 50051,

    # The agent's certificate (PEM) from `hvfleet pki issue --name <host>`.
    [Parameter(Mandatory = $true)]
    [string] $CertificatePath,

    # Its private key (PEM).
    [Parameter(Mandatory = $true)]
    [string] $KeyPath,

    # The fleet CA certificate (PEM, ca.crt from `hvfleet pki init`): client certificates must chain to it.
    [Parameter(Mandatory = $true)]
    [string] $CaCertificatePath,

    # Service name (the virtual account is NT SERVICE\<ServiceName>).
    [ValidatePattern('^[A-Za-z][A-Za-z0-9_-]{0,79}$')]
    [string] $ServiceName = 'HvFleetAgent',

    # How long to wait for the service to run and its port to answer.
    [ValidateRange(5, 3600)]
    [int] $HealthTimeoutSeconds = 90
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$HyperVAdministratorsSid = 'S-1-5-32-578'
$AdministratorsSid = 'S-1-5-32-544'
$ServiceAccount = "NT SERVICE\$ServiceName"
$FirewallRuleName = "$ServiceName-gRPC"
$ExeName = 'hvfleet-agent.exe'

function Invoke-Native {
    # Runs a native tool (sc.exe, icacls.exe, net.exe) and fails on a non-zero exit code.
    param([string] $FilePath, [string[]] $Arguments, [int[]] $AllowedExitCodes = @(0))
    $output = & $FilePath @Arguments 2>&1
    if ($AllowedExitCodes -notcontains $LASTEXITCODE) {
        throw "$FilePath $($Arguments -join ' ') failed with exit code ${LASTEXITCODE}: $($output -join ' ')"
    }
    return $output
}

function Test-Administrator {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    return (New-Object System.Security.Principal.WindowsPrincipal($identity)).IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
}

function Get-GroupName([string] $Sid) {
    # Group names are localized; the SID is not.
    $account = (New-Object System.Security.Principal.SecurityIdentifier($Sid)).Translate([System.Security.Principal.NTAccount]).Value
    return $account.Substring($account.IndexOf('\') + 1)
}

function Test-OrchestratorAddress([string] $Address) {
    $parts = $Address.Split('/')
    $ip = $null
    if ($parts.Count -gt 2 -or -not [System.Net.IPAddress]::TryParse($parts[0].Split('-')[0], [ref] $ip)) {
        return $false
    }
    return $true
}

function Set-PrivateAcl {
    # Only the service account and Administrators; no inherited entries.
    param([string] $Path, [string] $Rights)
    Invoke-Native 'icacls.exe' @($Path, '/inheritance:r', '/grant:r', "*${AdministratorsSid}:$Rights", "${ServiceAccount}:R") | Out-Null
    Invoke-Native 'icacls.exe' @($Path, '/setowner', "*$AdministratorsSid") | Out-Null
}

# ---------------------------------------------------------------- checks (before any change)
$problems = @()
$exeSource = Join-Path $PackagePath $ExeName
$templatePath = Join-Path $PackagePath 'appsettings.template.json'
if (-not (Test-Path -LiteralPath $exeSource -PathType Leaf)) { $problems += "-PackagePath: $exeSource not found (unzip the package and point at its folder)." }
if (-not (Test-Path -LiteralPath $templatePath -PathType Leaf)) { $problems += "-PackagePath: $templatePath not found." }
foreach ($file in @(@('-CertificatePath', $CertificatePath), @('-KeyPath', $KeyPath), @('-CaCertificatePath', $CaCertificatePath))) {
    if (-not (Test-Path -LiteralPath $file[1] -PathType Leaf)) { $problems += "$($file[0]): file '$($file[1])' not found." }
}
foreach ($address in $OrchestratorAddress) {
    if (-not (Test-OrchestratorAddress $address)) { $problems += "-OrchestratorAddress: '$address' is not an IP address, subnet (a.b.c.d/nn) or range (a.b.c.d-e.f.g.h)." }
}
$listenIp = $null
if (-not [System.Net.IPAddress]::TryParse($ListenAddress, [ref] $listenIp)) { $problems += "-ListenAddress: '$ListenAddress' is not an IP address." }
if (-not $WhatIfPreference -and -not (Test-Administrator)) { $problems += 'Run this script from an elevated PowerShell (as Administrator).' }
if ($problems.Count -gt 0) {
    throw ("Install-HvFleetAgent: nothing was changed:`n  " + ($problems -join "`n  "))
}

if ($ExportRoot.Count -eq 0) { $ExportRoot = @(Join-Path $DataDirectory 'exports') }
$exePath = Join-Path $InstallDirectory $ExeName
$tlsDirectory = Join-Path $DataDirectory 'tls'
$listen = if ($listenIp.AddressFamily -eq [System.Net.Sockets.AddressFamily]::InterNetworkV6) { "[$ListenAddress]:$Port" } else { "${ListenAddress}:$Port" }

# ---------------------------------------------------------------- 1. program files
$service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($null -ne $service -and $service.Status -ne 'Stopped') {
    if ($PSCmdlet.ShouldProcess($ServiceName, 'Stop service (upgrade: jobs drain first)')) {
        Stop-Service -Name $ServiceName
        $service.WaitForStatus('Stopped', [TimeSpan]::FromSeconds($HealthTimeoutSeconds))
    }
}
if ($PSCmdlet.ShouldProcess($InstallDirectory, "Copy the agent package from $PackagePath")) {
    New-Item -ItemType Directory -Force -Path $InstallDirectory | Out-Null
    foreach ($item in @($ExeName, 'appsettings.template.json', 'README.md', 'VERSION', 'SHA256SUMS')) {
        $source = Join-Path $PackagePath $item
        if (Test-Path -LiteralPath $source) { Copy-Item -LiteralPath $source -Destination $InstallDirectory -Force }
    }
    $scriptsTarget = Join-Path $InstallDirectory 'scripts'
    New-Item -ItemType Directory -Force -Path $scriptsTarget | Out-Null
    Copy-Item -Path (Join-Path $PSScriptRoot '*.ps1') -Destination $scriptsTarget -Force
}

# ---------------------------------------------------------------- 2. service
$binaryPath = '"' + $exePath + '"'
if ($null -eq $service) {
    if ($PSCmdlet.ShouldProcess($ServiceName, "Create service running $binaryPath")) {
        New-Service -Name $ServiceName -BinaryPathName $binaryPath -DisplayName 'HvFleet Agent' `
            -Description 'HvFleet agent: Hyper-V checkpoints and exports for the fleet orchestrator (gRPC, mTLS).' `
            -StartupType Automatic | Out-Null
    }
}
if ($PSCmdlet.ShouldProcess($ServiceName, "Run as $ServiceAccount, restart on failure, preshutdown timeout")) {
    # A virtual account has no password; it needs the service SID to exist (sidtype unrestricted).
    Invoke-Native 'sc.exe' @('config', $ServiceName, 'binPath=', $binaryPath, 'obj=', $ServiceAccount, 'start=', 'auto') | Out-Null
    Invoke-Native 'sc.exe' @('sidtype', $ServiceName, 'unrestricted') | Out-Null
    if ($null -ne (Get-Service -Name 'vmms' -ErrorAction SilentlyContinue)) {
        Invoke-Native 'sc.exe' @('config', $ServiceName, 'depend=', 'vmms') | Out-Null
    }
    # Restart after 5 s, 30 s, then every 60 s; the failure count resets after a day. failureflag 1:
    # also when the agent reports STOPPED with an error (its host ended on its own).
    Invoke-Native 'sc.exe' @('failure', $ServiceName, 'reset=', '86400', 'actions=', 'restart/5000/restart/30000/restart/60000') | Out-Null
    Invoke-Native 'sc.exe' @('failureflag', $ServiceName, '1') | Out-Null
    # PRESHUTDOWN: at host shutdown the SCM waits this long (ms) while the agent drains its jobs.
    Set-ItemProperty -Path "HKLM:\SYSTEM\CurrentControlSet\Services\$ServiceName" -Name 'PreshutdownTimeout' -Value 120000 -Type DWord
}

# ---------------------------------------------------------------- 3. Hyper-V Administrators
$hyperVAdministrators = Get-GroupName $HyperVAdministratorsSid
$members = Invoke-Native 'net.exe' @('localgroup', $hyperVAdministrators)
if (-not ($members | Where-Object { $_ -eq $ServiceAccount -or $_ -eq $ServiceName })) {
    if ($PSCmdlet.ShouldProcess($hyperVAdministrators, "Add $ServiceAccount")) {
        # 1378: already a member (another run got there first).
        Invoke-Native 'net.exe' @('localgroup', $hyperVAdministrators, $ServiceAccount, '/add') -AllowedExitCodes @(0, 2) | Out-Null
    }
}

# ---------------------------------------------------------------- 4. directories and certificates
if ($PSCmdlet.ShouldProcess($DataDirectory, "Create data, log and export directories writable by $ServiceAccount")) {
    foreach ($directory in @($DataDirectory, (Join-Path $DataDirectory 'logs')) + $ExportRoot) {
        New-Item -ItemType Directory -Force -Path $directory | Out-Null
        Invoke-Native 'icacls.exe' @($directory, '/grant', "${ServiceAccount}:(OI)(CI)M") | Out-Null
    }
}
$certificateTargets = @(
    @($CertificatePath, (Join-Path $tlsDirectory 'agent.crt')),
    @($KeyPath, (Join-Path $tlsDirectory 'agent.key')),
    @($CaCertificatePath, (Join-Path $tlsDirectory 'ca.crt')))
if ($PSCmdlet.ShouldProcess($tlsDirectory, 'Place the agent certificate, key and fleet CA (key readable by the service account and Administrators only)')) {
    New-Item -ItemType Directory -Force -Path $tlsDirectory | Out-Null
    Set-PrivateAcl -Path $tlsDirectory -Rights '(OI)(CI)F'
    foreach ($pair in $certificateTargets) {
        if ((Resolve-Path -LiteralPath $pair[0]).Path -ne $pair[1]) {
            Copy-Item -LiteralPath $pair[0] -Destination $pair[1] -Force
        }
    }
    Set-PrivateAcl -Path (Join-Path $tlsDirectory 'agent.key') -Rights 'F'
}

# ---------------------------------------------------------------- 5. configuration
$config = Get-Content -LiteralPath $templatePath -Raw | ConvertFrom-Json
$config.Agent.Listen = $listen
$config.Agent.Backend = 'HyperV'
$config.Agent.DataDirectory = $DataDirectory
$config.Agent.ExportRoots = @($ExportRoot)
$config.Agent.Insecure = $false
$config.Agent.TlsCertificate = $certificateTargets[0][1]
$config.Agent.TlsKey = $certificateTargets[1][1]
$config.Agent.ClientCa = $certificateTargets[2][1]
$configPath = Join-Path $InstallDirectory 'appsettings.json'
if ($PSCmdlet.ShouldProcess($configPath, "Write configuration (listen $listen, export roots $($ExportRoot -join ', '))")) {
    [System.IO.File]::WriteAllText($configPath, ($config | ConvertTo-Json -Depth 10), (New-Object System.Text.UTF8Encoding($false)))
}

# ---------------------------------------------------------------- 6. firewall
if ($PSCmdlet.ShouldProcess($FirewallRuleName, "Allow TCP $Port inbound from $($OrchestratorAddress -join ', ') only")) {
    # Recreated rather than edited, so its port, program and addresses always match this run.
    Get-NetFirewallRule -Name $FirewallRuleName -ErrorAction SilentlyContinue | Remove-NetFirewallRule
    New-NetFirewallRule -Name $FirewallRuleName -DisplayName "HvFleet agent (gRPC, TCP $Port)" -Direction Inbound `
        -Action Allow -Protocol TCP -LocalPort $Port -RemoteAddress $OrchestratorAddress -Program $exePath -Profile Any | Out-Null
}

# ---------------------------------------------------------------- 7. start and check
if ($PSCmdlet.ShouldProcess($ServiceName, 'Start service and wait until it serves')) {
    Start-Service -Name $ServiceName
    $deadline = (Get-Date).AddSeconds($HealthTimeoutSeconds)
    (Get-Service -Name $ServiceName).WaitForStatus('Running', [TimeSpan]::FromSeconds($HealthTimeoutSeconds))
    $probeHost = if ($ListenAddress -eq '0.0.0.0') { '127.0.0.1' } elseif ($ListenAddress -eq '::') { '::1' } else { $ListenAddress }
    $listening = $false
    while (-not $listening -and (Get-Date) -lt $deadline) {
        $client = New-Object System.Net.Sockets.TcpClient
        try {
            $client.Connect($probeHost, $Port)
            $listening = $true
        }
        catch {
            if ((Get-Service -Name $ServiceName).Status -eq 'Stopped') {
                throw "Service $ServiceName stopped while starting; see $(Join-Path $DataDirectory 'logs') and the System event log."
            }
            Start-Sleep -Milliseconds 500
        }
        finally {
            $client.Dispose()
        }
    }
    if (-not $listening) {
        throw "Service $ServiceName runs but port $Port did not answer within $HealthTimeoutSeconds s; see $(Join-Path $DataDirectory 'logs')."
    }
    Write-Host "HvFleet agent is running as $ServiceName ($ServiceAccount), serving on $listen."
}
