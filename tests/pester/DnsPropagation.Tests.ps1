# The propagation check before dns-01 challenges are submitted, and the removal of records a stopped command (Ctrl+C)
# left behind. A BIND 9 of its own holds the records and Pebble resolves through it, with PEBBLE_VA_NOSLEEP: Pebble
# looks the moment a challenge is submitted, so a record submitted before it is served fails validation.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Bind = Start-AcmeTestBind -Records @(
        '_acme-challenge.alias IN CNAME _acme-challenge.target.bind.test.'      # in the same zone: BIND's answer has the target's TXT too
        '_acme-challenge.away IN CNAME _acme-challenge.target.other.test.')     # to another zone: BIND answers with the CNAME alone
    try {
        $script:Server = Start-AcmeTestServer -DnsServer $script:Bind.Server
        $script:Vault = New-TestVault
        $null = Initialize-TestAccount $script:Server
    }
    catch { Stop-AcmeTestBind $script:Bind; throw }
    $script:Dns = $script:Bind.Server
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-prop-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $script:Work

    # A script plugin that writes TXT records with nsupdate: now or -DelaySeconds later, a -Value of its choice, at
    # another name (-At), replacing the record set instead of adding to it (-Replace), telling AcmePS where it
    # published (-Hint), and logging what it does (-Log).
    $script:PluginPath = Join-Path $script:Work 'PropTestPlugin.psm1'
    Set-Content -Path $script:PluginPath -Value @'
function Send-TestUpdate([string]$Address, [int]$Port, [string]$Key, [string[]]$Commands, [int]$DelaySeconds) {
    $file = Join-Path ([IO.Path]::GetTempPath()) ('nsupdate-' + [guid]::NewGuid().ToString('N') + '.txt')
    Set-Content -Path $file -Value ((@("server $Address $Port") + $Commands + 'send') -join "`n")
    if ($DelaySeconds -gt 0) {
        $psi = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
        foreach ($a in '-c', "sleep $DelaySeconds; nsupdate -y 'hmac-sha256:acme-key:$Key' '$file' >/dev/null 2>&1; rm -f '$file'") { $psi.ArgumentList.Add($a) }
        $null = [Diagnostics.Process]::Start($psi)
    } else {
        $out = & nsupdate -y "hmac-sha256:acme-key:$Key" $file 2>&1
        Remove-Item $file
        if ($LASTEXITCODE -ne 0) { throw "nsupdate: $out" }
    }
}
function Publish-AcmePropTestChallenge {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Challenge, [Parameter(Mandatory)] [int] $Port, [Parameter(Mandatory)] [string] $Key,
        [int] $DelaySeconds, [string] $Value, [string] $At, [switch] $Replace, [switch] $Hint, [string] $Log, [string] $Address = '127.0.0.1')
    process {
        foreach ($c in $Challenge) {
            $name = if ($At) { $At } else { $c.RecordName }
            $v = if ($Value) { $Value } else { $c.RecordValue }
            $commands = @()
            if ($Replace) { $commands += "update delete $name. TXT" }
            $commands += "update add $name. 60 TXT `"$v`""
            Send-TestUpdate -Address $Address -Port $Port -Key $Key -Commands $commands -DelaySeconds $DelaySeconds
            if ($Hint) { $c.DnsServers = @("127.0.0.1:$Port") }
            if ($Log) { Add-Content -Path $Log -Value "publish $($c.Identifier)" }
            $c.MarkPublished($PSCmdlet)
        }
    }
}
function Unpublish-AcmePropTestChallenge {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Challenge, [Parameter(Mandatory)] [int] $Port, [Parameter(Mandatory)] [string] $Key,
        [int] $DelaySeconds, [string] $Value, [string] $At, [switch] $Replace, [switch] $Hint, [string] $Log, [string] $Address = '127.0.0.1')
    process {
        foreach ($c in $Challenge) {
            $name = if ($At) { $At } else { $c.RecordName }
            Send-TestUpdate -Address $Address -Port $Port -Key $Key -Commands "update delete $name. TXT"
            if ($Log) { Add-Content -Path $Log -Value "unpublish $($c.Identifier)" }
        }
    }
}
Export-ModuleMember -Function Publish-AcmePropTestChallenge, Unpublish-AcmePropTestChallenge
'@
    Import-Module $script:PluginPath -Force
    $script:Base = @{ Port = $script:Bind.Port; Key = $script:Bind.KeySecret }

    function Get-Txt([string]$Name) {
        @(& dig +short +norecurse '@127.0.0.1' -p $script:Bind.Port TXT $Name | ForEach-Object { $_.Trim('"') } | Sort-Object)
    }
    function New-BindName([string]$Prefix) { "$Prefix$([guid]::NewGuid().ToString('N').Substring(0, 8)).bind.test" }
    function New-Params([hashtable]$More = @{}) { $p = $script:Base.Clone(); foreach ($k in $More.Keys) { $p[$k] = $More[$k] }; $p }
}

AfterAll {
    Remove-Module PropTestPlugin -ErrorAction SilentlyContinue
    if ($script:Server) { Stop-AcmeTestServer $script:Server }
    if ($script:Bind) { Stop-AcmeTestBind $script:Bind }
    Remove-TestVault $script:Vault
    if ($script:Work) { Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'The propagation check' {
    It 'waits until the server serves a record that appears late, then submits (Submit-AcmeChallenge -DnsServer)' {
        $name = New-BindName 'late'
        $p = New-Params @{ DelaySeconds = 3 }
        $challenges = @(New-AcmeOrder -DnsName $name | Get-AcmeChallenge -Type dns-01 | Publish-AcmePropTestChallenge @p)
        Get-Txt "_acme-challenge.$name" | Should -BeNullOrEmpty -Because 'the record is not there yet when Submit starts'
        $order = $challenges | Submit-AcmeChallenge -DnsServer $script:Dns
        $order.Status | Should -Be 'ready'
        Get-Txt "_acme-challenge.$name" | Should -BeNullOrEmpty -Because 'Unpublish ran'
    }

    It 'gives up after the timeout with AcmeDnsPropagationTimeout naming the servers and what they served, and submits nothing' {
        $name = New-BindName 'never'
        $log = Join-Path $script:Work 'never.log'
        $out = New-AcmeCertificate -DnsName $name -Plugin PropTest -PluginParameters (New-Params @{ Value = 'not-the-value'; Log = $log }) `
            -DnsServer $script:Dns -TimeoutSeconds 3 -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeDnsPropagationTimeout'
        $ev[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $message = $ev[0].Exception.Message
        $message | Should -Match ([regex]::Escape($script:Dns))
        $message | Should -Match "'not-the-value'"
        $message | Should -Match ([regex]::Escape("_acme-challenge.$name"))
        # the challenge was never submitted: the authorization is still pending, and a retry can succeed
        (Get-AcmeOrder -Name $name).Status | Should -Be 'pending'
        Get-Content $log | Should -Be @("publish $name", "unpublish $name")
        Get-Txt "_acme-challenge.$name" | Should -BeNullOrEmpty
    }

    It 'checks the servers a plugin says it published to when no -DnsServer is given' {
        $name = New-BindName 'hint'
        New-AcmeCertificate -DnsName $name -Plugin PropTest -PluginParameters (New-Params @{ Value = 'stale'; Hint = $true }) -TimeoutSeconds 2 `
            -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeDnsPropagationTimeout'
        $ev[0].Exception.Message | Should -Match ([regex]::Escape($script:Dns))
    }

    It 'needs both values of a name and its wildcard: a plugin that replaces the record set times out, naming the missing value' {
        $name = New-BindName 'repl'
        $challenges = @(New-AcmeOrder -DnsName $name, "*.$name" | Get-AcmeChallenge -Type dns-01)
        $published = @($challenges | Publish-AcmePropTestChallenge @script:Base -Replace)
        @(Get-Txt "_acme-challenge.$name").Count | Should -Be 1
        $published | Submit-AcmeChallenge -DnsServer $script:Dns -TimeoutSeconds 2 -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeDnsPropagationTimeout'
        # the message says what was expected
        foreach ($v in $challenges.RecordValue) { $ev[0].Exception.Message | Should -Match ([regex]::Escape($v)) }
    }

    It 'follows a CNAME on _acme-challenge to the name it is delegated to' {
        # _acme-challenge.alias.bind.test is a CNAME to _acme-challenge.target.bind.test, where the plugin writes, late
        $p = New-Params @{ At = '_acme-challenge.target.bind.test'; DelaySeconds = 3 }
        $all = New-AcmeCertificate -DnsName 'alias.bind.test' -Plugin PropTest -PluginParameters $p -DnsServer $script:Dns -Verbose 4>&1
        ($all | Where-Object { $_ -is [AcmePS.Models.AcmeCertificate] }).DnsNames | Should -Be @('alias.bind.test')
        ($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String -Width 500) |
            Should -Match "serves '[^']+' at _acme-challenge\.target\.bind\.test \(CNAME of _acme-challenge\.alias\.bind\.test\)"
    }

    It 'asks again for the target of a CNAME to another zone, which the server does not put in its answer' {
        $challenge = New-AcmeOrder -DnsName 'away.bind.test' | Get-AcmeChallenge -Type dns-01 |
            Publish-AcmePropTestChallenge @script:Base -At '_acme-challenge.target.other.test' -DelaySeconds 2
        # Pebble's own resolver does not chase a CNAME out of the zone, so the CA's verdict is not what is tested here
        $all = $challenge | Submit-AcmeChallenge -DnsServer $script:Dns -TimeoutSeconds 30 -Verbose -ErrorVariable ev -ErrorAction SilentlyContinue 4>&1
        Get-ErrorId $ev | Should -Not -Contain 'AcmeDnsPropagationTimeout'
        ($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String -Width 500) |
            Should -Match ("serves '" + [regex]::Escape($challenge.RecordValue) + "' at _acme-challenge\.target\.other\.test \(CNAME of _acme-challenge\.away\.bind\.test\)")
    }

    It 'asks challtestsrv''s DNS server when the ChallTestSrv plugin is given -DnsServer' {
        $cts = "127.0.0.1:$($script:Server.DnsPort)"
        $challenge = New-AcmeOrder -DnsName (New-BindName 'cts') | Get-AcmeChallenge -Type dns-01 |
            Publish-AcmeChallTestSrvChallenge -ManagementUrl $script:Server.ChallTestSrvUrl -DnsServer $cts
        $challenge.DnsServers | Should -Be @($cts)
        # Pebble resolves through BIND here, so the CA's verdict is not what is tested
        $all = $challenge | Submit-AcmeChallenge -Verbose -ErrorAction SilentlyContinue 4>&1
        ($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String -Width 500) |
            Should -Match ("DNS: " + [regex]::Escape($cts) + " serves '" + [regex]::Escape($challenge.RecordValue) + "'")
    }

    # These two publish a value that is never the right one: a check that runs would time out (AcmeDnsPropagationTimeout),
    # one that does not lets the CA look at once and refuse (AcmeAuthorizationInvalid), however slow the machine.
    It 'is turned off by -SkipPropagationCheck: the CA looks at once' {
        $name = New-BindName 'skip'
        New-AcmeCertificate -DnsName $name -Plugin PropTest -PluginParameters (New-Params @{ Value = 'not-the-value'; Hint = $true }) -SkipPropagationCheck `
            -TimeoutSeconds 5 -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeAuthorizationInvalid'
    }

    It 'checks nothing for a reserved test name with no server given, and rejects a -DnsServer that is not host[:port]' {
        $name = New-BindName 'res'
        New-AcmeCertificate -DnsName $name -Plugin PropTest -PluginParameters (New-Params @{ Value = 'not-the-value' }) `
            -TimeoutSeconds 5 -ErrorVariable ev -ErrorAction SilentlyContinue -WarningVariable wv -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeAuthorizationInvalid'
        $wv | Should -BeNullOrEmpty -Because 'a reserved name is left out on purpose, not after a failed search for its zone'
        $before = Get-VaultFiles $script:Vault
        $log = Join-Path $script:Work 'bad.log'
        New-AcmeCertificate -DnsName (New-BindName 'bad') -Plugin PropTest -PluginParameters (New-Params @{ Log = $log }) -DnsServer 'a b:x' `
            -ErrorVariable ev2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev2 | Should -Be 'AcmeDnsServerInvalid'
        $ev2[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-VaultFiles $script:Vault | Should -Be $before -Because 'bad input is refused before anything is ordered'
        Test-Path $log | Should -BeFalse
        { New-AcmeOrder -DnsName (New-BindName 'bad') | Get-AcmeChallenge | Submit-AcmeChallenge -DnsServer 'host:0' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AcmeDnsServerInvalid*'
    }
}

Describe 'The propagation check with no server given' {
    # A zone whose NS record leads to a BIND on [::1]:53 (port 53 is what NS records imply), found the way a public zone
    # is: its SOA and NS through the resolver (ACMEPS_DNS_RESOLVER, here that BIND), then the name server asked directly.
    # ::1, where port 53 is seldom taken by a local resolver; 127.0.0.1 on a machine without IPv6 loopback.
    BeforeAll {
        $script:Addr = if (Test-IPv6Loopback) { '::1' } else { '127.0.0.1' }
        $script:Shown = if ($script:Addr -eq '::1') { '[::1]:53' } else { '127.0.0.1:53' }
        $script:Bind53 = Start-AcmeTestBind -Address $script:Addr -Port 53 -Zones 'acmeps-test.org', 'acmeps-other.org' -Records @(
            '_acme-challenge.away IN CNAME _acme-challenge.target.acmeps-other.org.')
        $script:Server53 = Start-AcmeTestServer -DnsServer $script:Bind53.Server
        $script:OuterVault = $env:ACMEPS_VAULT
        $script:Vault53 = New-TestVault
        $null = Initialize-TestAccount $script:Server53
        $env:ACMEPS_DNS_RESOLVER = $script:Bind53.Server
        $script:P53 = @{ Address = $script:Addr; Port = 53; Key = $script:Bind53.KeySecret }
    }

    AfterAll {
        Remove-Item Env:ACMEPS_DNS_RESOLVER -ErrorAction SilentlyContinue
        if ($script:Server53) { Stop-AcmeTestServer $script:Server53 }
        if ($script:Bind53) { Stop-AcmeTestBind $script:Bind53 }
        Remove-TestVault $script:Vault53
        $env:ACMEPS_VAULT = $script:OuterVault
    }

    It 'finds the zone''s authoritative servers through SOA and NS, and waits until they serve the record' {
        $name = "d$([guid]::NewGuid().ToString('N').Substring(0, 8)).acmeps-test.org"
        $p = $script:P53.Clone(); $p.DelaySeconds = 3
        $all = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin PropTest -PluginParameters $p -Verbose 4>&1
        ($all | Where-Object { $_ -is [AcmePS.Models.AcmeCertificate] }).DnsNames | Sort-Object | Should -Be (@($name, "*.$name") | Sort-Object)
        ($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String -Width 500) |
            Should -Match ([regex]::Escape("the zone of _acme-challenge.$name is acmeps-test.org, served by ns1.acmeps-test.org ($script:Shown)"))
    }

    It 'names the authoritative server in AcmeDnsPropagationTimeout' {
        $name = "t$([guid]::NewGuid().ToString('N').Substring(0, 8)).acmeps-test.org"
        $p = $script:P53.Clone(); $p.Value = 'old-value'
        New-AcmeCertificate -DnsName $name -Plugin PropTest -PluginParameters $p -TimeoutSeconds 2 -ErrorVariable ev -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeDnsPropagationTimeout'
        $ev[0].Exception.Message | Should -Match ([regex]::Escape("ns1.acmeps-test.org ($script:Shown) serves 'old-value'"))
    }

    It 'follows a CNAME to another zone and asks that zone''s own servers' {
        $p = $script:P53.Clone(); $p.At = '_acme-challenge.target.acmeps-other.org'; $p.DelaySeconds = 2
        $challenge = New-AcmeOrder -DnsName 'away.acmeps-test.org' | Get-AcmeChallenge -Type dns-01 | Publish-AcmePropTestChallenge @p
        # Pebble's own resolver does not chase a CNAME out of the zone, so the CA's verdict is not what is tested here
        $all = $challenge | Submit-AcmeChallenge -TimeoutSeconds 30 -Verbose -ErrorVariable ev -ErrorAction SilentlyContinue 4>&1
        Get-ErrorId $ev | Should -Not -Contain 'AcmeDnsPropagationTimeout'
        $verbose = $all | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Out-String -Width 500
        $verbose | Should -Match 'is a CNAME to _acme-challenge\.target\.acmeps-other\.org; asking that zone''s name servers'
        $verbose | Should -Match ([regex]::Escape("the zone of _acme-challenge.target.acmeps-other.org is acmeps-other.org, served by ns1.acmeps-other.org"))
        $verbose | Should -Match ("serves '" + [regex]::Escape($challenge.RecordValue) + "' at _acme-challenge\.target\.acmeps-other\.org")
    }
}

Describe 'Records left by a stopped command' {
    It 'are removed at once when Ctrl+C stops New-AcmeCertificate mid-wait' {
        $name = New-BindName 'stop'
        $log = Join-Path $script:Work 'stop.log'
        $module = Join-Path (Get-Module AcmePS).ModuleBase 'AcmePS.psd1'
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Module, $Plugin, $Name, $Parameters, $Dns)
                Import-Module $Module; Import-Module $Plugin
                # the record never gets the right value: the propagation check waits (up to 300 s)
                New-AcmeCertificate -DnsName $Name -Plugin PropTest -PluginParameters $Parameters -DnsServer $Dns
            }).AddArgument($module).AddArgument($script:PluginPath).AddArgument($name).AddArgument((New-Params @{ Value = 'stuck'; Log = $log })).AddArgument($script:Dns)
        $null = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not ((Test-Path $log) -and (Get-Content $log) -contains "publish $name") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-Txt "_acme-challenge.$name" | Should -Be @('stuck')
        Start-Sleep -Milliseconds 500
        $ps.Stop()   # what Ctrl+C does
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        Get-Content $log | Should -Be @("publish $name", "unpublish $name")
        Get-Txt "_acme-challenge.$name" | Should -BeNullOrEmpty
        Get-ChildItem $script:Vault -Recurse -Filter pending.json | Should -BeNullOrEmpty
    }

    It 'are removed by the next command that uses plugins when the process was killed mid-wait' {
        $name = New-BindName 'kill'
        $log = Join-Path $script:Work 'kill.log'
        $script = Join-Path $script:Work 'kill.ps1'
        $parameters = New-Params @{ Value = 'stuck'; Log = $log }
        Set-Content -Path $script -Value @"
Import-Module '$(Join-Path (Get-Module AcmePS).ModuleBase 'AcmePS.psd1')'
Import-Module '$($script:PluginPath)'
New-AcmeCertificate -DnsName '$name' -Plugin PropTest -DnsServer '$($script:Dns)' -PluginParameters @{ Port = $($parameters.Port); Key = '$($parameters.Key)'; Value = 'stuck'; Log = '$log' }
"@
        $child = Start-TestPwsh $script
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while (-not ((Test-Path $log) -and (Get-Content $log) -contains "publish $name") -and -not $child.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $child.HasExited | Should -BeFalse -Because "the child must be waiting: $(if ($child.HasExited) { $child.StandardError.ReadToEnd() })"
            Start-Sleep -Milliseconds 500
            $child.Kill()   # no finally block runs: only the vault's cleanup record is left
            $child.WaitForExit()
        }
        finally { if (-not $child.HasExited) { $child.Kill() }; $child.Dispose() }
        Get-Content $log | Should -Be @("publish $name")
        Get-Txt "_acme-challenge.$name" | Should -Be @('stuck')
        @(Get-ChildItem $script:Vault -Recurse -Filter pending.json).Count | Should -Be 1

        $next = New-BindName 'next'
        $cert = New-AcmeCertificate -DnsName $next -Plugin PropTest -PluginParameters (New-Params @{ Log = $log }) -DnsServer $script:Dns
        $cert.DnsNames | Should -Be @($next)
        Get-Content $log | Should -Contain "unpublish $name"
        Get-Txt "_acme-challenge.$name" | Should -BeNullOrEmpty
        Get-ChildItem $script:Vault -Recurse -Filter pending.json | Should -BeNullOrEmpty
    }
}

Describe 'DnsClient' {
    It 'loads from the module''s dependencies folder into the engine''s load context, beside the runtime''s own System.Memory' {
        # the propagation checks above used it
        $loaded = [AcmePS.Internal.ModuleInitializer]::EngineAssemblyLocations()
        $dnsClient = @($loaded | Where-Object { $_ -like 'DnsClient|*' })
        $dnsClient.Count | Should -Be 1
        ($dnsClient[0] -split '\|')[1] | Should -Be (Join-Path (Get-Module AcmePS).ModuleBase 'dependencies/DnsClient.dll')
        # the netstandard2.0 facades shipped for Windows PowerShell are not loaded on PowerShell 7
        $loaded | Where-Object { $_ -match '^(System\.Memory|System\.Buffers|Microsoft\.Win32\.Registry)\|' } | Should -BeNullOrEmpty
    }
}
