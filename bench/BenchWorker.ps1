# One benchmark step in a child pwsh, started by bench/Invoke-Benchmark.ps1 (never run it by hand: it expects
# ACMEPS_VAULT, PSModulePath with the module under test first, and a running Pebble). Writes its result as JSON to -OutFile.
param(
    [Parameter(Mandatory)][ValidateSet('Setup', 'Session', 'Bulk', 'Vault', 'KeyGen', 'Protect', 'Open')][string]$Mode,
    [Parameter(Mandatory)][string]$OutFile,
    [string]$DirectoryUrl,
    [string]$TrustedRoot,
    [string]$ChallTestSrvUrl,
    [string]$PebbleLog,
    [string]$Prefix = 'b',
    [int]$Count = 20,
    [int]$WarmUp = 3,
    [int]$ProfileCount = 5,
    [int]$ThrottleLimit = 1,
    [int]$Repeat = 5,
    [string[]]$KeyTypes = @('ec256', 'ec384', 'rsa2048', 'rsa3072', 'rsa4096'),
    [double]$KeyTypeBudgetSeconds = 6,
    [string]$Protection
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'BenchCommon.ps1')

$peakAtStart = Get-PeakWorkingSetMB   # pwsh itself, before the module
$import = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module AcmePS
$importMs = $import.Elapsed.TotalMilliseconds
$module = Get-Module AcmePS
$plugin = @{ ManagementUrl = $ChallTestSrvUrl }
$result = [ordered]@{ mode = $Mode; module = $module.Path; version = "$($module.Version)"; importMs = [math]::Round($importMs, 1); peakAtStartMB = $peakAtStart }

function Invoke-ProfiledIssuance([string]$Name) {
    # One issuance with -Verbose: each request line is time-stamped as it reaches the pipeline.
    $lines = [System.Collections.Generic.List[object]]::new()
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    New-AcmeCertificate -DnsName $Name -Plugin ChallTestSrv -PluginParameters $plugin -Verbose 4>&1 |
        ForEach-Object {
            $at = $sw.Elapsed.TotalMilliseconds
            if ($_ -is [System.Management.Automation.VerboseRecord]) {
                $m = [regex]::Match($_.Message, '^(GET|HEAD|POST) (\S+) -> (\d+) in (\d+) ms')
                if ($m.Success) {
                    $lines.Add([ordered]@{
                            atMs = [math]::Round($at, 1); method = $m.Groups[1].Value
                            endpoint = Get-AcmeEndpoint $m.Groups[1].Value ([uri]$m.Groups[2].Value).AbsolutePath
                            status = [int]$m.Groups[3].Value; serverMs = [int]$m.Groups[4].Value
                        })
                }
            }
        }
    [ordered]@{ totalMs = [math]::Round($sw.Elapsed.TotalMilliseconds, 1); requests = $lines.ToArray() }
}

function Issue([string]$Name) {
    $cert = New-AcmeCertificate -DnsName $Name -Plugin ChallTestSrv -PluginParameters $plugin
    if (@($cert).Count -ne 1 -or -not $cert.CertificatePath) { throw "no certificate for $Name" }
}

switch ($Mode) {
    'Setup' {
        # Server, account and one real order: the vault the other steps copy.
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $null = Set-AcmeServer -DirectoryUrl $DirectoryUrl -TrustedRoot $TrustedRoot
        $account = New-AcmeAccount -AcceptTermsOfService
        $result.accountMs = [math]::Round($sw.Elapsed.TotalMilliseconds, 1)
        $sw.Restart()
        $cert = New-AcmeCertificate -DnsName "$Prefix.example.test" -Plugin ChallTestSrv -PluginParameters $plugin
        $result.firstIssuanceMs = [math]::Round($sw.Elapsed.TotalMilliseconds, 1)
        $result.orderFolder = Split-Path $cert.CertificatePath
        $result.orderName = $cert.Name
        $result.accountId = $cert.AccountId
        $result.server = $cert.Server
    }

    'Session' {
        # Issuances one after another in this one process, with an existing account. The first few warm up (JIT,
        # connections) and are reported apart. Requests are counted from Pebble's log between issuances, outside the
        # timed part. Then a few more with -Verbose, time-stamping each request line as it arrives (the profile).
        $offset = (Get-Item $PebbleLog).Length
        # The first issuance of the process (JIT, BouncyCastle, first TLS connection) is profiled too.
        $first = Invoke-ProfiledIssuance "$Prefix-w1.example.test"
        $warm = [System.Collections.Generic.List[double]]::new()
        $warm.Add($first.totalMs)
        for ($i = 2; $i -le $WarmUp; $i++) {
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            Issue "$Prefix-w$i.example.test"
            $warm.Add($sw.Elapsed.TotalMilliseconds)
        }
        $offset = (Read-PebbleRequests $PebbleLog $offset).Offset
        $times = [System.Collections.Generic.List[double]]::new()
        $perIssuance = [System.Collections.Generic.List[object]]::new()
        foreach ($i in 1..$Count) {
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            Issue "$Prefix-$i.example.test"
            $times.Add($sw.Elapsed.TotalMilliseconds)
            $r = Read-PebbleRequests $PebbleLog $offset
            $offset = $r.Offset
            $perIssuance.Add([ordered]@{ total = $r.Total; byEndpoint = $r.Counts })
        }
        $profiles = foreach ($i in 1..$ProfileCount) {
            Invoke-ProfiledIssuance "$Prefix-p$i.example.test"
            $offset = (Read-PebbleRequests $PebbleLog $offset).Offset
        }
        $result.firstProfile = $first
        $result.warmUpMs = @($warm | ForEach-Object { [math]::Round($_, 1) })
        $result.issuanceMs = $times.ToArray()
        $result.perIssuance = $perIssuance.ToArray()
        $result.profiles = @($profiles)
        $result.peakWorkingSetMB = Get-PeakWorkingSetMB
    }

    'Bulk' {
        # $Count one-name certificates through New-AcmeCertificate's pipeline input at -ThrottleLimit, in this fresh
        # process (no warm-up: the JIT of the first issuance is part of what a bulk run pays).
        $result.peakBeforeMB = Get-PeakWorkingSetMB
        $offset = (Get-Item $PebbleLog).Length
        $inputs = foreach ($i in 1..$Count) { [pscustomobject]@{ DnsName = "$Prefix-$i.example.test" } }
        $errs = $null
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $certs = @($inputs | New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $plugin -ThrottleLimit $ThrottleLimit `
                -ErrorAction Continue -ErrorVariable errs)
        $seconds = $sw.Elapsed.TotalSeconds
        $result.seconds = [math]::Round($seconds, 3)
        $result.certificates = $certs.Count
        $result.errors = @($errs).Count
        $result.firstErrors = @($errs | Select-Object -First 3 | ForEach-Object { "$_" })
        $result.certsPerSecond = [math]::Round($certs.Count / $seconds, 2)
        $result.peakWorkingSetMB = Get-PeakWorkingSetMB
        $result.processPeakWorkingSetMB = [math]::Round([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
        # What the peak is made of: the GC lets gen0 grow to its budget before it collects, so the peak follows the
        # bytes allocated (and that budget), not the live heap.
        $result.gcAllocatedMB = [math]::Round([GC]::GetTotalAllocatedBytes($false) / 1MB, 1)   # since the process started
        $result.gcHeapMB = [math]::Round([GC]::GetTotalMemory($false) / 1MB, 1)                   # now, live and not yet collected
        $result.gen0Collections = [GC]::CollectionCount(0)
        $result.gcLiveAfterFullMB = [math]::Round([GC]::GetTotalMemory($true) / 1MB, 1)          # after a full collection: what is really kept
        $result.serverGC = [System.Runtime.GCSettings]::IsServerGC
        $r = Read-PebbleRequests $PebbleLog $offset
        $result.requests = [ordered]@{ total = $r.Total; byEndpoint = $r.Counts }
    }

    'Vault' {
        # The vault (prepared by the caller) holds thousands of orders: list them, and scan for renewals when none is due.
        $list = foreach ($i in 1..$Repeat) {
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $n = (Get-AcmeOrder | Measure-Object).Count
            [pscustomobject]@{ ms = $sw.Elapsed.TotalMilliseconds; n = $n }
        }
        $scan = foreach ($i in 1..$Repeat) {
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $due = @(Get-AcmeCertificate | Where-Object DaysLeft -lt 30)
            [pscustomobject]@{ ms = $sw.Elapsed.TotalMilliseconds; n = $due.Count }
        }
        $result.listMs = @($list | ForEach-Object { [math]::Round($_.ms, 1) })
        $result.listed = @($list)[0].n
        $result.scanMs = @($scan | ForEach-Object { [math]::Round($_.ms, 1) })
        $result.due = @($scan)[0].n
        # What a nightly task runs: every certificate's renewal time (no ARI here: the lifetime rule), none due.
        $renewal = foreach ($i in 1..$Repeat) {
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $renewed = @(Submit-AcmeRenewal -All)
            [pscustomobject]@{ ms = $sw.Elapsed.TotalMilliseconds; n = $renewed.Count }
        }
        $result.renewalScanMs = @($renewal | ForEach-Object { [math]::Round($_.ms, 1) })
        $result.renewed = @($renewal)[0].n
        $result.certificates = (Get-AcmeCertificate | Measure-Object).Count
        $result.peakWorkingSetMB = Get-PeakWorkingSetMB
    }

    'Protect' {
        # Changes a copy of the vault to another protection mode (from Key, with ACMEPS_VAULT_KEY).
        $result.vault = (Set-AcmeVault -Protection $Protection -Confirm:$false -WarningAction SilentlyContinue | Out-String).Trim()
    }

    'Open' {
        # The first read of a secret file in this process (the data key unwrapped: scrypt for Key), then a second one.
        $certificate = Get-AcmeCertificate -Name $Prefix
        $keyFile = Join-Path ([IO.Path]::GetTempPath()) ('bench-key-' + [guid]::NewGuid().ToString('N') + '.pem')
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $certificate | Export-AcmeCertificate -Path $keyFile -Format KeyPem
        $result.firstMs = [math]::Round($sw.Elapsed.TotalMilliseconds, 1)
        $sw.Restart()
        $certificate | Export-AcmeCertificate -Path $keyFile -Format KeyPem
        $result.secondMs = [math]::Round($sw.Elapsed.TotalMilliseconds, 1)
        Remove-Item $keyFile
        $result.peakWorkingSetMB = Get-PeakWorkingSetMB
    }

    'KeyGen' {
        # The engine's own key generation (BouncyCastle), called directly. The engine sits in the module's own
        # AssemblyLoadContext: run one cmdlet so that it is loaded, then find it among the loaded assemblies.
        $null = Get-AcmeServer -ErrorAction SilentlyContinue
        $asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AcmePS.Core' } | Select-Object -First 1
        if (-not $asm) { throw 'AcmePS.Core is not loaded after Get-AcmeServer' }
        $keyClass = $asm.GetType('AcmePS.Core.Crypto.AcmeKey', $true)
        $keyEnum = $asm.GetType('AcmePS.Core.Crypto.KeyType', $true)
        $generate = $keyClass.GetMethod('Generate')
        $parse = $asm.GetType('AcmePS.Core.Crypto.KeyTypes', $true).GetMethod('Parse')
        $null = $generate.Invoke($null, @($parse.Invoke($null, @('ec256'))))   # warm-up: loads BouncyCastle, seeds SecureRandom
        $maxRuns = @{ ec256 = 20; ec384 = 20; rsa2048 = 10; rsa3072 = 5; rsa4096 = 5 }
        $types = foreach ($name in $KeyTypes) {
            $type = $parse.Invoke($null, @($name))
            $runs = [System.Collections.Generic.List[double]]::new()
            $spent = [System.Diagnostics.Stopwatch]::StartNew()
            # At least 3 runs; more up to the cap while the budget for this type lasts (RSA 4096 can take seconds each).
            while ($runs.Count -lt 3 -or ($runs.Count -lt $maxRuns[$name] -and $spent.Elapsed.TotalSeconds -lt $KeyTypeBudgetSeconds)) {
                $sw = [System.Diagnostics.Stopwatch]::StartNew()
                $null = $generate.Invoke($null, @($type))
                $runs.Add($sw.Elapsed.TotalMilliseconds)
            }
            [ordered]@{ keyType = $name; ms = (Get-Stats $runs.ToArray() 2) }
        }
        # For comparison: the platform's own generators (OpenSSL on Linux), which the engine does not use.
        $platform = foreach ($name in $KeyTypes) {
            $runs = foreach ($i in 1..5) {
                $sw = [System.Diagnostics.Stopwatch]::StartNew()
                $k = switch ($name) {
                    'ec256' { [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256) }
                    'ec384' { [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP384) }
                    default { [System.Security.Cryptography.RSA]::Create([int]($name -replace 'rsa', '')) }
                }
                $null = $k.ExportParameters($true)   # forces the key to exist
                $k.Dispose()
                $sw.Elapsed.TotalMilliseconds
            }
            [ordered]@{ keyType = $name; ms = (Get-Stats $runs 2) }
        }
        $result.engine = @($types)
        $result.platform = @($platform)
    }
}

$result | ConvertTo-Json -Depth 8 | Set-Content -Path $OutFile -Encoding utf8NoBOM
