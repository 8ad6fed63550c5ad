# Azurite's blob service (npm azurite, pinned by build.ps1's Test task under out/tools) on a free loopback port,
# in memory, for the blob vault tests. Linux, pwsh 7.x. Stopped by its PID.
Set-StrictMode -Version Latest

$script:Processes = @{}

# The emulator's public, well-known account (Azurite's documentation and source publish the key).
$script:Account = 'devstoreaccount1'
$script:AccountKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

function Get-AzuritePath {
    $repo = Split-Path $PSScriptRoot -Parent
    $exe = Join-Path $repo 'out/tools/node_modules/.bin/azurite-blob'
    if (-not (Test-Path $exe)) {
        throw "$exe is missing: run 'dotnet pwsh ./build.ps1 Test' once, or 'npm install --prefix out/tools --save-exact azurite@3.35.0'"
    }
    $exe
}

function Start-AzuriteTestServer {
    # Returns BlobEndpoint (path style: http://127.0.0.1:<port>/devstoreaccount1), ConnectionString, Port, Pid, Log, WorkDir.
    [CmdletBinding()]
    param([string]$WorkDir)
    $exe = Get-AzuritePath
    if (-not $WorkDir) { $WorkDir = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-azurite-' + [guid]::NewGuid().ToString('N').Substring(0, 12)) }
    $null = New-Item -ItemType Directory -Force -Path $WorkDir
    $tcp = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $tcp.Start(); $port = ([System.Net.IPEndPoint]$tcp.LocalEndpoint).Port; $tcp.Stop()
    $log = Join-Path $WorkDir 'azurite.log'
    # azurite-blob directly (not npx), through `sh -c exec` for the log: the PID is the node server's own.
    $psi = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    $psi.UseShellExecute = $false
    foreach ($a in @('-c', 'exec "$0" "$@" >>"$ACMEPS_TEST_LOG" 2>&1', $exe, '--blobHost', '127.0.0.1', '--blobPort', $port,
            '--inMemoryPersistence', '--disableTelemetry')) { $psi.ArgumentList.Add([string]$a) }
    $psi.Environment['ACMEPS_TEST_LOG'] = $log
    $p = [System.Diagnostics.Process]::Start($psi)
    $script:Processes[$p.Id] = $p
    $server = [pscustomobject]@{
        Port             = $port
        BlobEndpoint     = "http://127.0.0.1:$port/$script:Account"
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=$script:Account;AccountKey=$script:AccountKey;BlobEndpoint=http://127.0.0.1:$port/$script:Account;"
        Pid              = $p.Id
        Log              = $log
        WorkDir          = $WorkDir
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        $c = [System.Net.Sockets.TcpClient]::new()
        try { if ($c.ConnectAsync('127.0.0.1', $port).Wait(500) -and $c.Connected) { break } } catch { } finally { $c.Dispose() }
        if ($p.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $tail = if (Test-Path $log) { (Get-Content $log -Tail 20) -join "`n" } else { '(no log)' }
            Stop-AzuriteTestServer -Server $server -KeepWorkDir
            throw "azurite-blob did not start on port $port`n$tail"
        }
        Start-Sleep -Milliseconds 100
    }
    $server
}

function New-AzuriteContainerUrl {
    # The URL of a new, not yet created container (the vault creates it on its first write), with an optional prefix.
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Server, [string]$Prefix)
    $url = "$($Server.BlobEndpoint)/t$([guid]::NewGuid().ToString('N'))"
    if ($Prefix) { "$url/$Prefix" } else { $url }
}

function Stop-AzuriteTestServer {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)]$Server, [switch]$KeepWorkDir)
    process {
        $p = $script:Processes[$Server.Pid]
        if ($p) {
            try { if (-not $p.HasExited) { $p.Kill(); [void]$p.WaitForExit(5000) } } catch [System.InvalidOperationException] { }
            $p.Dispose()
            $script:Processes.Remove($Server.Pid)
        }
        if (-not $KeepWorkDir -and (Test-Path $Server.WorkDir)) { Remove-Item $Server.WorkDir -Recurse -Force }
    }
}

Export-ModuleMember -Function Start-AzuriteTestServer, Stop-AzuriteTestServer, New-AzuriteContainerUrl
