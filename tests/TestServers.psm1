# Throw-away ACME test servers (pebble + pebble-challtestsrv) on free loopback ports.
# Shared by build/Demo.ps1, the Pester tests and the benchmarks. Linux, pwsh 7.x.
Set-StrictMode -Version Latest

# Process objects by PID: .NET reaps (waits for) children it started itself, so keeping
# them lets Stop-AcmeTestServer wait for a real exit instead of leaving zombies.
$script:Processes = @{}

function Get-FreePorts {
    # Hold every listener open until all ports are chosen, so one call never returns a port twice.
    param([int]$Count, [switch]$FirstAlsoUdp)
    $held = [System.Collections.Generic.List[System.IDisposable]]::new()
    $ports = [System.Collections.Generic.List[int]]::new()
    try {
        while ($ports.Count -lt $Count) {
            $tcp = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $tcp.Start(); $held.Add($tcp)
            $port = ([System.Net.IPEndPoint]$tcp.LocalEndpoint).Port
            if ($FirstAlsoUdp -and $ports.Count -eq 0) {
                # challtestsrv's DNS listens on TCP and UDP with the same number.
                try { $held.Add([System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, $port))) }
                catch { continue }
            }
            $ports.Add($port)
        }
    } finally {
        foreach ($h in $held) { if ($h -is [System.Net.Sockets.TcpListener]) { $h.Stop() } else { $h.Dispose() } }
    }
    $ports.ToArray()
}

function Start-LoggedProcess {
    # `sh -c 'exec ...'` lets the shell redirect output to a file and then become the
    # program itself, so the PID we get is the server's real PID.
    param([string]$FilePath, [string[]]$Arguments, [string]$LogPath, [hashtable]$Environment = @{})
    $psi = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    $psi.UseShellExecute = $false
    foreach ($a in @('-c', 'exec "$0" "$@" >>"$ACMEPS_TEST_LOG" 2>&1', $FilePath) + $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.Environment['ACMEPS_TEST_LOG'] = $LogPath
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    $script:Processes[$p.Id] = $p
    $p
}

function Get-LogTail([string]$Path) {
    if (Test-Path $Path) { (Get-Content $Path -Tail 20) -join "`n" } else { '(no log)' }
}

function Test-TcpOpen([int]$Port, [int]$TimeoutMilliseconds = 2000) {
    # Whether something accepts TCP connections on 127.0.0.1:$Port.
    $c = [System.Net.Sockets.TcpClient]::new()
    try { $c.ConnectAsync('127.0.0.1', $Port).Wait($TimeoutMilliseconds) -and $c.Connected } catch { $false } finally { $c.Dispose() }
}

function Stop-ProcessById([int]$ProcessId) {
    $p = $script:Processes[$ProcessId]
    if (-not $p) { $p = Get-Process -Id $ProcessId -ErrorAction SilentlyContinue }
    if ($p) {
        try { if (-not $p.HasExited) { $p.Kill(); [void]$p.WaitForExit(5000) } } catch [System.InvalidOperationException] { }
        $p.Dispose()
    }
    $script:Processes.Remove($ProcessId)
}

function Test-IPv6Loopback {
    # Whether this machine can listen on [::1].
    try { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::IPv6Loopback, 0); $l.Start(); $l.Stop(); $true } catch { $false }
}

function Start-AcmeTestServer {
    [CmdletBinding()]
    param(
        [ValidateRange(0, 100)][int]$NonceRejectPercent = 0,
        [ValidateRange(0, 100)][int]$AuthzReusePercent = 0,
        # Pebble then offers this many alternate chains (Link rel="alternate"), each to a root of its own.
        [ValidateRange(0, 10)][int]$AlternateRoots = 0,
        # External Account Binding: key id -> HMAC key (base64url, as Pebble expects it). Given, Pebble requires EAB
        # (externalAccountBindingRequired) and knows these keys (externalAccountMACKeys); not given, no EAB.
        [hashtable]$ExternalAccountMacKeys,
        [string]$WorkDir,
        # Pebble validates http-01 on a free port of its own (Http01Port) where nothing listens, instead of
        # challtestsrv's HttpPort: for tests that answer http-01 from their own listener (SelfHost, WebRoot).
        [switch]$SeparateHttp01Port,
        # host:port of the DNS server Pebble resolves through (a test BIND, Start-AcmeTestBind); default: challtestsrv's.
        [string]$DnsServer
    )
    foreach ($cmd in 'pebble', 'pebble-challtestsrv', 'openssl') {
        if (-not (Get-Command $cmd -CommandType Application -ErrorAction SilentlyContinue)) {
            throw "'$cmd' not found: apt-get install pebble openssl"
        }
    }
    if (-not $WorkDir) { $WorkDir = Join-Path ([System.IO.Path]::GetTempPath()) ("acmeps-test-" + [guid]::NewGuid().ToString('N').Substring(0, 12)) }
    $null = New-Item -ItemType Directory -Force -Path $WorkDir
    $WorkDir = (Resolve-Path $WorkDir).ProviderPath

    # Pebble's own TLS certificate; pebble makes its issuing CA itself on every start.
    $cert = Join-Path $WorkDir 'cert.pem'; $key = Join-Path $WorkDir 'key.pem'
    $out = & openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost `
        -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' -keyout $key -out $cert 2>&1
    if ($LASTEXITCODE -ne 0) { throw "openssl failed ($LASTEXITCODE): $($out -join "`n")" }

    $dnsPort, $httpPort, $ctsMgmtPort, $acmePort, $mgmtPort, $tlsPort = Get-FreePorts -Count 6 -FirstAlsoUdp
    $http01Port = $httpPort
    if ($SeparateHttp01Port) {
        do { $http01Port = Get-FreePorts -Count 1 } while ($http01Port -in @($dnsPort, $httpPort, $ctsMgmtPort, $acmePort, $mgmtPort, $tlsPort))
    }
    $config = Join-Path $WorkDir 'pebble-config.json'
    $pebbleConfig = [ordered]@{
        listenAddress = "127.0.0.1:$acmePort"; managementListenAddress = "127.0.0.1:$mgmtPort"
        certificate = $cert; privateKey = $key; httpPort = $http01Port; tlsPort = $tlsPort
        ocspResponderURL = ''; externalAccountBindingRequired = $false
    }
    if ($ExternalAccountMacKeys -and $ExternalAccountMacKeys.Count -gt 0) {
        $pebbleConfig.externalAccountBindingRequired = $true
        $pebbleConfig.externalAccountMACKeys = $ExternalAccountMacKeys
    }
    @{ pebble = $pebbleConfig } | ConvertTo-Json -Depth 5 | Set-Content -Path $config -Encoding utf8NoBOM

    $ctsLog = Join-Path $WorkDir 'challtestsrv.log'; $pebbleLog = Join-Path $WorkDir 'pebble.log'
    # http-01 answers on IPv6 loopback too where there is one, for IPv6 address certificates (Pebble connects to the address).
    $ipv6 = Test-IPv6Loopback
    $http01Bind = "127.0.0.1:$httpPort" + $(if ($ipv6) { ",[::1]:$httpPort" } else { '' })
    $cts = Start-LoggedProcess -FilePath 'pebble-challtestsrv' -LogPath $ctsLog -Arguments @(
        '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '', '-dns01', "127.0.0.1:$dnsPort",
        '-http01', $http01Bind, '-https01', '', '-tlsalpn01', '', '-management', "127.0.0.1:$ctsMgmtPort")
    $pebble = Start-LoggedProcess -FilePath 'pebble' -LogPath $pebbleLog -Arguments @(
        '-config', $config, '-dnsserver', $(if ($DnsServer) { $DnsServer } else { "127.0.0.1:$dnsPort" }), '-strict=false') -Environment @{
        PEBBLE_VA_NOSLEEP = '1'; PEBBLE_WFE_NONCEREJECT = $NonceRejectPercent; PEBBLE_AUTHZREUSE = $AuthzReusePercent; PEBBLE_ALTERNATE_ROOTS = $AlternateRoots
    }

    $server = [pscustomobject]@{
        DirectoryUrl    = "https://127.0.0.1:$acmePort/dir"
        ManagementUrl   = "https://127.0.0.1:$mgmtPort"
        ChallTestSrvUrl = "http://127.0.0.1:$ctsMgmtPort"
        TrustedRoot     = $cert
        HttpPort        = $httpPort
        # Pebble validates tls-alpn-01 on this port (its tlsPort); nothing listens there until a test does.
        TlsPort         = $tlsPort
        Http01Port      = $http01Port
        # challtestsrv also answers http-01 on [::1] (the machine has IPv6 loopback)
        IPv6            = $ipv6
        DnsPort         = $dnsPort
        PebblePid       = $pebble.Id
        ChallTestSrvPid = $cts.Id
        WorkDir         = $WorkDir
        PebbleLog       = $pebbleLog
    }

    # Poll until both answer; a server that dies or hangs fails fast with its log.
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ($true) {
        $failed = if ($cts.HasExited) { "pebble-challtestsrv exited ($($cts.ExitCode))`n$(Get-LogTail $ctsLog)" }
        elseif ($pebble.HasExited) { "pebble exited ($($pebble.ExitCode))`n$(Get-LogTail $pebbleLog)" }
        if (-not $failed) {
            $ready = (Test-TcpOpen $ctsMgmtPort -TimeoutMilliseconds 500) -and (Test-TcpOpen $dnsPort -TimeoutMilliseconds 500)
            if ($ready) {
                try { $null = Invoke-RestMethod -Uri $server.DirectoryUrl -SkipCertificateCheck -TimeoutSec 2; break } catch { }
            }
            if ([DateTime]::UtcNow -gt $deadline) {
                $failed = "test servers did not answer within 15 s`n--- pebble:`n$(Get-LogTail $pebbleLog)`n--- challtestsrv:`n$(Get-LogTail $ctsLog)"
            }
        }
        if ($failed) { Stop-AcmeTestServer -Server $server -KeepWorkDir; throw "Start-AcmeTestServer: $failed (logs in $WorkDir)" }
        Start-Sleep -Milliseconds 100
    }
    $server
}

function Stop-AcmeTestServer {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)]$Server, [switch]$KeepWorkDir)
    process {
        Stop-ProcessById $Server.PebblePid
        Stop-ProcessById $Server.ChallTestSrvPid
        if (-not $KeepWorkDir -and (Test-Path $Server.WorkDir)) { Remove-Item $Server.WorkDir -Recurse -Force }
    }
}

function Get-ManagementText([string]$Url) {
    # Test helper only: pebble's management API uses our throw-away TLS cert, so skip the check here.
    $r = Invoke-WebRequest -Uri $Url -SkipCertificateCheck -TimeoutSec 10
    if ($r.Content -is [byte[]]) { [System.Text.Encoding]::UTF8.GetString($r.Content) } else { [string]$r.Content }
}

function Get-AcmeTestRoot {
    # Pebble makes a new root and intermediate on every start: fetch them after each start.
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Server)
    @{
        Root         = Get-ManagementText "$($Server.ManagementUrl)/roots/0"
        Intermediate = Get-ManagementText "$($Server.ManagementUrl)/intermediates/0"
    }
}

function Get-AcmeTestCertStatus {
    # Returns Status ('Valid' | 'Revoked'), Serial (lower-case hex), Reason (int RFC 5280 code, or $null
    # while valid), RevokedAt (pebble's Go time string, e.g. '2026-11-28 15:52:25.3079 +0000 UTC', or $null)
    # and Certificate (the leaf PEM). Throws if pebble does not know the serial (HTTP 404).
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Server, [Parameter(Mandatory)][string]$Serial)
    # Accept .NET's SerialNumber (upper case, maybe leading zeros) and openssl's form alike.
    $hex = ($Serial -replace '^0x', '' -replace '[^0-9a-fA-F]', '').ToLowerInvariant().TrimStart('0')
    if (-not $hex) { $hex = '0' }
    $body = Invoke-RestMethod -Uri "$($Server.ManagementUrl)/cert-status-by-serial/$hex" -SkipCertificateCheck `
        -TimeoutSec 10 -SkipHttpErrorCheck -StatusCodeVariable code
    if ($code -ne 200) { throw "pebble has no certificate with serial $hex (HTTP $code)" }
    # Pebble leaves Reason and RevokedAt out while the certificate is valid; always have them,
    # so callers under Set-StrictMode can read them.
    [pscustomobject][ordered]@{
        Status      = $body.Status
        Serial      = $body.Serial
        Reason      = $body.PSObject.Properties['Reason']?.Value
        RevokedAt   = $body.PSObject.Properties['RevokedAt']?.Value
        Certificate = $body.Certificate
    }
}

function Start-AcmeTestBind {
    # A BIND 9 (named) of its own on a free loopback port: the zones given (default bind.test and other.test), each
    # with "* A 127.0.0.1", updatable (TXT only) by DNS UPDATE with the TSIG keys acme-key (hmac-sha256) and
    # acme-key512 (hmac-sha512). -Records adds lines to the first zone's file. Returns Port, Address, Server ("address:port"),
    # Zones, KeyName/KeySecret, Key512Name/Key512Secret, Pid, WorkDir. Stop it with Stop-AcmeTestBind.
    [CmdletBinding()]
    param([string[]]$Zones = @('bind.test', 'other.test'), [string[]]$Records = @(),
        # Another address (named listens only on an interface's addresses: 127.0.0.1 or ::1) and a fixed port, such as
        # 53, the port a zone's NS records imply, instead of a free port on 127.0.0.1.
        [string]$Address = '127.0.0.1', [int]$Port)
    if (-not (Get-Command named -CommandType Application -ErrorAction SilentlyContinue)) { throw "'named' not found: apt-get install bind9 bind9-utils" }
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("acmeps-bind-" + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $dir
    $port = if ($Port) { $Port } else { Get-FreePorts -Count 1 -FirstAlsoUdp }
    $secret = { param($n) $b = [byte[]]::new($n); [System.Security.Cryptography.RandomNumberGenerator]::Fill($b); [Convert]::ToBase64String($b) }
    $key256 = & $secret 32; $key512 = & $secret 64
    $v6 = $Address.Contains(':')
    $listen = if ($v6) { "listen-on { none; }; listen-on-v6 port $port { $Address; };" } else { "listen-on port $port { $Address; }; listen-on-v6 { none; };" }
    $conf = @"
key "acme-key" { algorithm hmac-sha256; secret "$key256"; };
key "acme-key512" { algorithm hmac-sha512; secret "$key512"; };
options { directory "$dir"; pid-file "$dir/named.pid"; session-keyfile "$dir/session.key"; managed-keys-directory "$dir";
  $listen recursion no; allow-query { 127.0.0.0/8; ::1; };
  dnssec-validation no; notify no; };
controls { };

"@
    $first = $true
    foreach ($zone in $Zones) {
        $lines = @('$TTL 60', "@ IN SOA ns1.$zone. hostmaster.$zone. ( 1 60 60 600 60 )", "  IN NS ns1.$zone.", "ns1 IN $(if ($v6) { 'AAAA' } else { 'A' }) $Address", '* IN A 127.0.0.1')
        if ($first) { $lines += $Records; $first = $false }
        Set-Content -Path (Join-Path $dir "db.$zone") -Value ($lines -join "`n") -Encoding ascii
        $conf += "zone `"$zone`" { type primary; file `"$dir/db.$zone`"; update-policy { grant acme-key zonesub TXT; grant acme-key512 zonesub TXT; }; };`n"
    }
    $confPath = Join-Path $dir 'named.conf'
    Set-Content -Path $confPath -Value $conf -Encoding ascii
    $log = Join-Path $dir 'named.log'
    $p = Start-LoggedProcess -FilePath 'named' -Arguments @('-g', '-c', $confPath) -LogPath $log
    $bind = [pscustomobject]@{
        Port = $port; Address = $Address; Server = $(if ($v6) { "[$Address]:$port" } else { "${Address}:$port" }); Zones = $Zones; Pid = $p.Id; WorkDir = $dir; Log = $log
        KeyName = 'acme-key'; KeySecret = $key256; Key512Name = 'acme-key512'; Key512Secret = $key512
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while (-not ((Test-Path $log) -and (Select-String -Path $log -Pattern 'running' -Quiet))) {
        if ($p.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $tail = Get-LogTail $log
            Stop-AcmeTestBind $bind -KeepWorkDir
            throw "named did not start (logs in $dir)`n$tail"
        }
        Start-Sleep -Milliseconds 100
    }
    $bind
}

function Stop-AcmeTestBind {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)]$Bind, [switch]$KeepWorkDir)
    process {
        Stop-ProcessById $Bind.Pid
        if (-not $KeepWorkDir -and (Test-Path $Bind.WorkDir)) { Remove-Item $Bind.WorkDir -Recurse -Force }
    }
}

function Start-AcmeTestProxy {
    # The test proxy (tests/AcmePS.TestProxy) in front of a running test server: same TLS certificate, so the
    # same TrustedRoot works; -PostFaultPercent makes that share of POSTs fail (503, 500, dropped before or after
    # Pebble saw them). Returns DirectoryUrl (through the proxy), StatsUrl, Pid. Stop it with Stop-AcmeTestProxy.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]$Server,
        [ValidateRange(0, 100)][int]$PostFaultPercent = 0,
        [int]$Seed,
        # The kinds of POST faults to choose from (default: status503, status500, dropBefore, dropAfter); also
        # badNonce and delay (held -DelayMilliseconds, then forwarded).
        [ValidateSet('status503', 'status500', 'dropBefore', 'dropAfter', 'badNonce', 'delay')][string[]]$Faults,
        [int]$DelayMilliseconds = 0
    )
    $repo = Split-Path $PSScriptRoot -Parent
    $dll = Get-ChildItem (Join-Path $repo 'tests/AcmePS.TestProxy/bin') -Recurse -Filter AcmePS.TestProxy.dll -ErrorAction SilentlyContinue |
        Where-Object { $_.Directory.Name -eq 'net10.0' } | Sort-Object LastWriteTime -Descending | Select-Object -First 1
    if (-not $dll) { throw 'AcmePS.TestProxy.dll not found: run dotnet pwsh ./build.ps1 Build first' }
    $upstream = ([uri]$Server.DirectoryUrl).GetLeftPart([UriPartial]::Authority)
    $portFile = Join-Path $Server.WorkDir ('proxy-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.port')
    $log = [IO.Path]::ChangeExtension($portFile, '.log')
    $arguments = @($dll.FullName, '--upstream', $upstream, '--cert', $Server.TrustedRoot,
        '--key', (Join-Path $Server.WorkDir 'key.pem'), '--post-fault-percent', $PostFaultPercent, '--port-file', $portFile)
    if ($PSBoundParameters.ContainsKey('Seed')) { $arguments += @('--seed', $Seed) }
    if ($Faults) { $arguments += @('--faults', ($Faults -join ',')) }
    if ($DelayMilliseconds) { $arguments += @('--delay-ms', $DelayMilliseconds) }
    if ($Server.PSObject.Properties['ManagementUrl']) { $arguments += @('--management', $Server.ManagementUrl) }
    $p = Start-LoggedProcess -FilePath 'dotnet' -Arguments $arguments -LogPath $log
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path $portFile) -or -not (Get-Content -Raw $portFile)) {
        if ($p.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            Stop-ProcessById $p.Id
            throw "the test proxy did not start`n$(Get-LogTail $log)"
        }
        Start-Sleep -Milliseconds 50
    }
    $port = [int](Get-Content -Raw $portFile)
    [pscustomobject]@{
        DirectoryUrl = "https://127.0.0.1:$port/dir"
        StatsUrl     = "https://127.0.0.1:$port/__proxy/stats"
        Pid          = $p.Id
        Log          = $log
    }
}

function Add-AcmeTestProblem {
    # The proxy answers the next -Times POSTs whose path contains -PathContains with this ACME problem document.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]$Proxy,
        [Parameter(Mandatory)][string]$PathContains,
        [Parameter(Mandatory)][string]$Type,
        [int]$Status = 400,
        [string]$Detail = "injected $Type",
        [Nullable[int]]$RetryAfter,
        [object[]]$Subproblems,
        [int]$Times = 1
    )
    $body = [ordered]@{ pathContains = $PathContains; status = $Status; type = $Type; detail = $Detail; times = $Times }
    if ($null -ne $RetryAfter) { $body.retryAfter = $RetryAfter }
    if ($Subproblems) { $body.subproblems = $Subproblems }
    $uri = $Proxy.StatsUrl -replace '/stats$', '/inject'
    $null = Invoke-RestMethod -Method Post -Uri $uri -SkipCertificateCheck -ContentType 'application/json' -Body ($body | ConvertTo-Json -Depth 5)
}

function Stop-AcmeTestProxy {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)]$Proxy)
    process { Stop-ProcessById $Proxy.Pid }
}

function Start-AcmeProviderStandIn {
    # The DNS-provider stand-in (tests/AcmePS.ProviderStandIn): Azure DNS, Cloudflare, Route53 and acme-dns on one
    # loopback HTTP port, each TXT change pushed to the test server's challtestsrv so Pebble sees it. Returns Url
    # (http://127.0.0.1:<port>), Pid, Log. Stop it with Stop-AcmeProviderStandIn.
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Server)
    $repo = Split-Path $PSScriptRoot -Parent
    $dll = Get-ChildItem (Join-Path $repo 'tests/AcmePS.ProviderStandIn/bin') -Recurse -Filter AcmePS.ProviderStandIn.dll -ErrorAction SilentlyContinue |
        Where-Object { $_.Directory.Name -eq 'net10.0' } | Sort-Object LastWriteTime -Descending | Select-Object -First 1
    if (-not $dll) { throw 'AcmePS.ProviderStandIn.dll not found: run dotnet pwsh ./build.ps1 Build first' }
    $portFile = Join-Path $Server.WorkDir ('standin-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.port')
    $log = [IO.Path]::ChangeExtension($portFile, '.log')
    $p = Start-LoggedProcess -FilePath 'dotnet' -Arguments @($dll.FullName, '--challtestsrv', $Server.ChallTestSrvUrl, '--port-file', $portFile) -LogPath $log
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path $portFile) -or -not (Get-Content -Raw $portFile)) {
        if ($p.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            Stop-ProcessById $p.Id
            throw "the provider stand-in did not start`n$(Get-LogTail $log)"
        }
        Start-Sleep -Milliseconds 50
    }
    [pscustomobject]@{ Url = "http://127.0.0.1:$([int](Get-Content -Raw $portFile))"; Pid = $p.Id; Log = $log }
}

function Stop-AcmeProviderStandIn {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)]$StandIn)
    process { Stop-ProcessById $StandIn.Pid }
}

function Invoke-AcmeTestProxyControl($Proxy, [string]$Path, $Body) {
    $uri = $Proxy.StatsUrl -replace '/__proxy/stats$', $Path
    if ($null -eq $Body) { return Invoke-RestMethod -Uri $uri -SkipCertificateCheck }
    $null = Invoke-RestMethod -Method Post -Uri $uri -SkipCertificateCheck -ContentType 'application/json' -Body ($Body | ConvertTo-Json -Depth 5)
}

function Set-AcmeTestProxy {
    # What the proxy adds to Pebble (tests/AcmePS.TestProxy/AcmeFeatures.cs): -Ari puts renewalInfo in the directory,
    # -Profiles (name -> description) meta.profiles, -PollRetryAfter a Retry-After on pending/processing reads.
    # Set it before the client reads the directory (before Set-AcmeServer).
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Proxy, [switch]$Ari, [hashtable]$Profiles, [Nullable[int]]$PollRetryAfter)
    $body = [ordered]@{ ari = [bool]$Ari }
    if ($Profiles) { $body.profiles = $Profiles }
    if ($null -ne $PollRetryAfter) { $body.pollRetryAfter = $PollRetryAfter }
    Invoke-AcmeTestProxyControl $Proxy '/__proxy/config' $body
}

function Set-AcmeTestRenewalWindow {
    # The ARI window the proxy gives one certificate (by its ARI id): -Due (a window that ended yesterday), -NotDue
    # (the default, 2/3 to 3/4 of the lifetime), or -Start/-End; with -RetryAfter (s) and -ExplanationUrl.
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Proxy, [Parameter(Mandatory)][string]$CertificateId, [switch]$Due,
        [Nullable[datetimeoffset]]$Start, [Nullable[datetimeoffset]]$End, [Nullable[int]]$RetryAfter, [string]$ExplanationUrl)
    $body = [ordered]@{ certificateId = $CertificateId; due = [bool]$Due }
    if ($Start) { $body.start = $Start.UtcDateTime.ToString('o') }
    if ($End) { $body.end = $End.UtcDateTime.ToString('o') }
    if ($null -ne $RetryAfter) { $body.retryAfter = $RetryAfter }
    if ($ExplanationUrl) { $body.explanationUrl = $ExplanationUrl }
    Invoke-AcmeTestProxyControl $Proxy '/__proxy/renewal' $body
}

function Add-AcmeTestReplaced {
    # The proxy answers alreadyReplaced to a newOrder that replaces this certificate (as if another order had).
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Proxy, [Parameter(Mandatory)][string]$CertificateId)
    Invoke-AcmeTestProxyControl $Proxy '/__proxy/replaced' @{ certificateId = $CertificateId }
}

function Get-AcmeTestNewOrder {
    # Every newOrder the proxy saw: payload (identifiers, profile, replaces, notAfter...), status answered, orderId.
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Proxy)
    @(Invoke-AcmeTestProxyControl $Proxy '/__proxy/orders' $null)
}

Export-ModuleMember -Function Start-AcmeTestServer, Stop-AcmeTestServer, Get-AcmeTestRoot, Get-AcmeTestCertStatus, Start-AcmeTestProxy, Stop-AcmeTestProxy, Add-AcmeTestProblem
Export-ModuleMember -Function Start-AcmeProviderStandIn, Stop-AcmeProviderStandIn
Export-ModuleMember -Function Set-AcmeTestProxy, Set-AcmeTestRenewalWindow, Add-AcmeTestReplaced, Get-AcmeTestNewOrder
Export-ModuleMember -Function Start-AcmeTestBind, Stop-AcmeTestBind, Test-IPv6Loopback, Test-TcpOpen, Start-AcmeTestServer, Stop-AcmeTestServer, Get-AcmeTestRoot, Get-AcmeTestCertStatus, Start-AcmeTestProxy, Stop-AcmeTestProxy, Add-AcmeTestProblem
