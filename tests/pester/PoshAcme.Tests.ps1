# The PoshAcme plugin: a plugin file in Posh-ACME 4's format, written here for the test, run unchanged. It publishes
# to pebble-challtestsrv (/set-txt, /clear-txt), batching its changes until Save-DnsTxt as some providers do, and logs
# each call so the order of calls can be checked; the TXT records themselves are read back from challtestsrv's DNS.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Server = $script:Env.Server
    $script:Dir = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-poshacme-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $script:Dir

    $script:PluginFile = Join-Path $script:Dir 'ChallTestSrvPA.ps1'
    Set-Content -Path $script:PluginFile -Encoding utf8NoBOM -Value @'
function Get-CurrentPluginType { 'dns-01' }

function Add-DnsTxt {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory,Position=0)] [string]$RecordName,
        [Parameter(Mandatory,Position=1)] [string]$TxtValue,
        [Parameter(Mandatory)] [string]$CtsUrl,
        [Parameter(Mandatory)] [string]$CtsLog,
        [Parameter(ValueFromRemainingArguments)] $ExtraParams
    )
    if (-not (Test-Path variable:script:Queue)) { $script:Queue = [Collections.Generic.List[object]]::new() }
    $script:Queue.Add(@('set-txt', @{ host = "$RecordName."; value = $TxtValue }))
    Add-Content -Path $CtsLog -Value "add $RecordName $TxtValue extra=$($ExtraParams -join ' ')"
}

function Remove-DnsTxt {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory,Position=0)] [string]$RecordName,
        [Parameter(Mandatory,Position=1)] [string]$TxtValue,
        [Parameter(Mandatory)] [string]$CtsUrl,
        [Parameter(Mandatory)] [string]$CtsLog,
        [Parameter(ValueFromRemainingArguments)] $ExtraParams
    )
    if (-not (Test-Path variable:script:Queue)) { $script:Queue = [Collections.Generic.List[object]]::new() }
    $script:Queue.Add(@('clear-txt', @{ host = "$RecordName." }))
    Add-Content -Path $CtsLog -Value "remove $RecordName $TxtValue"
}

function Save-DnsTxt {
    # no ExtraParams here: AcmePS passes only the arguments this function declares
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string]$CtsUrl,
        [Parameter(Mandatory)] [string]$CtsLog
    )
    foreach ($change in $script:Queue) {
        Invoke-RestMethod -Method Post -Uri "$CtsUrl/$($change[0])" -Body ($change[1] | ConvertTo-Json) @script:UseBasic | Out-Null
    }
    Add-Content -Path $CtsLog -Value "save $($script:Queue.Count)"
    $script:Queue.Clear()
}
'@

    function Resolve-TestTxt([string]$Name) {
        # The TXT values challtestsrv's DNS serves for $Name: one UDP query, answers parsed by hand.
        $query = [Collections.Generic.List[byte]]::new()
        $query.AddRange([byte[]](0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0))
        foreach ($label in $Name.TrimEnd('.').Split('.')) { $b = [Text.Encoding]::ASCII.GetBytes($label); $query.Add([byte]$b.Length); $query.AddRange($b) }
        $query.AddRange([byte[]](0, 0, 16, 0, 1))
        $udp = [Net.Sockets.UdpClient]::new(); $udp.Client.ReceiveTimeout = 5000
        try {
            $null = $udp.Send($query.ToArray(), $query.Count, '127.0.0.1', $script:Server.DnsPort)
            $from = [Net.IPEndPoint]::new([Net.IPAddress]::Any, 0)
            $r = $udp.Receive([ref]$from)
        }
        finally { $udp.Dispose() }
        $values = @()
        $i = $query.Count # the answer repeats the question first
        for ($n = 0; $n -lt ($r[6] * 256 + $r[7]); $n++) {
            if (($r[$i] -band 0xC0) -eq 0xC0) { $i += 2 } else { while ($r[$i] -ne 0) { $i += $r[$i] + 1 }; $i++ }
            $type = $r[$i] * 256 + $r[$i + 1]; $length = $r[$i + 8] * 256 + $r[$i + 9]; $i += 10
            if ($type -eq 16) { $j = $i; while ($j -lt $i + $length) { $values += [Text.Encoding]::ASCII.GetString($r, $j + 1, $r[$j]); $j += $r[$j] + 1 } }
            $i += $length
        }
        , $values
    }
}

AfterAll {
    Stop-TestEnvironment $script:Env
    Remove-Item $script:Dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'PoshAcme' {
    BeforeEach {
        $script:Log = Join-Path $script:Dir ("calls-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.log')
        $script:PluginArgs = @{ CtsUrl = $script:Server.ChallTestSrvUrl; CtsLog = $script:Log; Unrelated = 'for-another-plugin' }
    }

    It 'issues a name and its wildcard through New-AcmeCertificate -Plugin PoshAcme, then removes the records' {
        $name = New-UniqueName 'pa'
        $cert = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin PoshAcme `
            -PluginParameters @{ PluginPath = $script:PluginFile; PluginArgs = $script:PluginArgs }
        $cert.DnsNames | Sort-Object | Should -Be (@($name, "*.$name") | Sort-Object)

        $calls = @(Get-Content $script:Log)
        $calls.Count | Should -Be 6
        $calls[0..1] | Should -Match "^add _acme-challenge\.$([regex]::Escape($name)) [A-Za-z0-9_-]{43} extra=.*for-another-plugin$"
        $calls[0] | Should -Not -Be $calls[1] -Because 'the name and its wildcard have two values'
        $calls[2] | Should -Be 'save 2'
        $calls[3..4] | Should -Match "^remove _acme-challenge\.$([regex]::Escape($name)) "
        $calls[5] | Should -Be 'save 2'
        , (Resolve-TestTxt "_acme-challenge.$name") | Should -BeNullOrEmpty
    }

    It 'publishes step by step: the records are in DNS once Publish returns, and gone after Submit-AcmeChallenge' {
        $name = New-UniqueName 'pb'
        $published = @(New-AcmeOrder -DnsName $name, "*.$name" | Get-AcmeChallenge -Type dns-01 |
                Publish-AcmePoshAcmeChallenge -PluginPath $script:PluginFile -PluginArgs $script:PluginArgs)
        $published.PublishedBy | Sort-Object -Unique | Should -Be 'PoshAcme'
        (Resolve-TestTxt "_acme-challenge.$name") | Sort-Object | Should -Be ($published.RecordValue | Sort-Object)
        ($published | Submit-AcmeChallenge).Status | Should -Be 'ready'
        , (Resolve-TestTxt "_acme-challenge.$name") | Should -BeNullOrEmpty
    }

    It 'keeps the plugin''s functions and variables out of the session' {
        $null = New-AcmeOrder -DnsName (New-UniqueName 'pc') | Get-AcmeChallenge -Type dns-01 |
            Publish-AcmePoshAcmeChallenge -PluginPath $script:PluginFile -PluginArgs $script:PluginArgs | Submit-AcmeChallenge
        Get-Command Add-DnsTxt, Remove-DnsTxt, Save-DnsTxt, Get-CurrentPluginType -ErrorAction Ignore | Should -BeNullOrEmpty
        Get-Variable Queue, UseBasic, __module -ErrorAction Ignore | Should -BeNullOrEmpty
        Get-Module 'AcmePS.PoshAcme.*' | Should -BeNullOrEmpty
    }

    It 'uses the plugin''s own functions even when the session has functions of the same names' {
        function global:Add-DnsTxt { param([Parameter(ValueFromRemainingArguments)] $Rest) throw 'the session''s Add-DnsTxt was called' }
        try {
            $cert = New-AcmeCertificate -DnsName (New-UniqueName 'pd') -Plugin PoshAcme -PluginParameters @{ PluginPath = $script:PluginFile; PluginArgs = $script:PluginArgs }
            $cert | Should -Not -BeNullOrEmpty
        }
        finally { Remove-Item function:global:Add-DnsTxt }
    }

    It 'refuses a file without Add-DnsTxt with AcmePoshAcmePluginInvalid, before anything is published' {
        $broken = Join-Path $script:Dir 'NoAdd.ps1'
        Set-Content -Path $broken -Value ((Get-Content $script:PluginFile -Raw) -replace 'function Add-DnsTxt', 'function Add-SomethingElse')
        $name = New-UniqueName 'pe'
        New-AcmeCertificate -DnsName $name -Plugin PoshAcme -PluginParameters @{ PluginPath = $broken; PluginArgs = $script:PluginArgs } `
            -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ids = Get-ErrorId $ev
        $ids | Should -Contain 'AcmePoshAcmePluginInvalid'
        $ids | Should -Contain 'AcmePluginPublishFailed'
        $record = $ev | Where-Object { $_.FullyQualifiedErrorId -like 'AcmePoshAcmePluginInvalid,*' } | Select-Object -First 1
        $record.Exception.Message | Should -Match 'no function Add-DnsTxt'
        $record.Exception.Message | Should -Match ([regex]::Escape($broken))
        Test-Path $script:Log | Should -BeFalse -Because 'no function of the plugin ran'
    }

    It 'reports a missing file, and a missing mandatory plugin argument without prompting' {
        $c = New-AcmeOrder -DnsName (New-UniqueName 'pf') | Get-AcmeChallenge -Type dns-01
        $c | Publish-AcmePoshAcmeChallenge -PluginPath (Join-Path $script:Dir 'nope.ps1') -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmePoshAcmePluginNotFound'
        $c | Publish-AcmePoshAcmeChallenge -PluginPath NoSuchPoshAcmePlugin -ErrorVariable ev2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev2 | Should -Be 'AcmePoshAcmePluginNotFound'
        $c | Publish-AcmePoshAcmeChallenge -PluginPath $script:PluginFile -PluginArgs @{ CtsLog = $script:Log } -ErrorVariable ev3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev3 | Should -Be 'AcmePoshAcmeArgumentMissing'
        $ev3[0].Exception.Message | Should -Match 'Add-DnsTxt needs -CtsUrl'
    }

    It 'finds a plugin by name in POSHACME_PLUGINS, as Posh-ACME does' {
        $env:POSHACME_PLUGINS = $script:Dir
        try {
            $cert = New-AcmeCertificate -DnsName (New-UniqueName 'pg') -Plugin PoshAcme -PluginParameters @{ PluginPath = 'ChallTestSrvPA'; PluginArgs = $script:PluginArgs }
            $cert | Should -Not -BeNullOrEmpty
            @(Get-Content $script:Log)[0] | Should -BeLike 'add _acme-challenge.pg*'
        }
        finally { Remove-Item env:POSHACME_PLUGINS }
    }

    It 'runs an http-01 plugin (Add-HttpChallenge, Remove-HttpChallenge, Save-HttpChallenge) with -ChallengeType http-01' {
        $httpPlugin = Join-Path $script:Dir 'ChallTestSrvHttpPA.ps1'
        Set-Content -Path $httpPlugin -Encoding utf8NoBOM -Value @'
function Get-CurrentPluginType { 'http-01' }
function Add-HttpChallenge {
    [CmdletBinding()]
    param([Parameter(Mandatory,Position=0)] [string]$Domain, [Parameter(Mandatory,Position=1)] [string]$Token,
        [Parameter(Mandatory,Position=2)] [string]$Body, [Parameter(Mandatory)] [string]$CtsUrl, [string]$CtsLog,
        [Parameter(ValueFromRemainingArguments)] $ExtraParams)
    Invoke-RestMethod -Method Post -Uri "$CtsUrl/add-http01" -Body (@{ token = $Token; content = $Body } | ConvertTo-Json) | Out-Null
    Add-Content -Path $CtsLog -Value "add $Domain"
}
function Remove-HttpChallenge {
    [CmdletBinding()]
    param([Parameter(Mandatory,Position=0)] [string]$Domain, [Parameter(Mandatory,Position=1)] [string]$Token,
        [Parameter(Mandatory,Position=2)] [string]$Body, [Parameter(Mandatory)] [string]$CtsUrl, [string]$CtsLog,
        [Parameter(ValueFromRemainingArguments)] $ExtraParams)
    Invoke-RestMethod -Method Post -Uri "$CtsUrl/del-http01" -Body (@{ token = $Token } | ConvertTo-Json) | Out-Null
    Add-Content -Path $CtsLog -Value "remove $Domain"
}
function Save-HttpChallenge { [CmdletBinding()] param([string]$CtsLog, [Parameter(ValueFromRemainingArguments)] $ExtraParams) Add-Content -Path $CtsLog -Value 'save' }
'@
        $name = New-UniqueName 'pi'
        $cert = New-AcmeCertificate -DnsName $name -ChallengeType http-01 -Plugin PoshAcme -PluginParameters @{ PluginPath = $httpPlugin; PluginArgs = $script:PluginArgs }
        $cert.DnsNames | Should -Be @($name)
        Get-Content $script:Log | Should -Be @("add $name", 'save', "remove $name", 'save')
        # a dns-01 challenge is not this plugin's
        New-AcmeOrder -DnsName (New-UniqueName 'pj') | Get-AcmeChallenge -Type dns-01 |
            Publish-AcmePoshAcmeChallenge -PluginPath $httpPlugin -PluginArgs $script:PluginArgs -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmePluginChallengeTypeUnsupported'
    }

    It 'finds a plugin by name in the Plugins folder of an installed Posh-ACME module' {
        # a stand-in for an installed Posh-ACME: a module folder on PSModulePath with a Plugins folder
        $modules = Join-Path $script:Dir 'modules'
        $base = New-Item -ItemType Directory -Path (Join-Path $modules 'Posh-ACME/4.99.0/Plugins') -Force
        New-ModuleManifest -Path (Join-Path $modules 'Posh-ACME/4.99.0/Posh-ACME.psd1') -ModuleVersion 4.99.0
        Copy-Item $script:PluginFile (Join-Path $base 'InstalledPA.ps1')
        $saved = $env:PSModulePath
        $env:PSModulePath = $modules + [IO.Path]::PathSeparator + $saved
        try {
            $cert = New-AcmeCertificate -DnsName (New-UniqueName 'pk') -Plugin PoshAcme -PluginParameters @{ PluginPath = 'InstalledPA'; PluginArgs = $script:PluginArgs }
            $cert | Should -Not -BeNullOrEmpty
            @(Get-Content $script:Log)[0] | Should -BeLike 'add _acme-challenge.pk*'
        }
        finally { $env:PSModulePath = $saved }
    }

    It 'reports what the plugin throws as AcmePoshAcmePluginFailed, with the plugin''s message and no argument values' {
        $closed = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $closed.Start(); $port = $closed.LocalEndpoint.Port; $closed.Stop()
        $pluginArgs = @{ CtsUrl = "http://127.0.0.1:$port"; CtsLog = $script:Log; Unrelated = 'secret-value-42' }
        New-AcmeCertificate -DnsName (New-UniqueName 'ph') -Plugin PoshAcme -PluginParameters @{ PluginPath = $script:PluginFile; PluginArgs = $pluginArgs } `
            -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ids = Get-ErrorId $ev
        $ids | Should -Contain 'AcmePoshAcmePluginFailed'
        $record = $ev | Where-Object { $_.FullyQualifiedErrorId -like 'AcmePoshAcmePluginFailed,*' } | Select-Object -First 1
        $record.Exception.Message | Should -Match 'Save-DnsTxt'
        ($ev | Out-String) | Should -Not -Match 'secret-value-42'
    }
}
