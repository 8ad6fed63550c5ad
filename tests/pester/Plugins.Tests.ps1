# The plugin contract, tested with a third-party plugin written as plain script functions in a module of its own.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Server = $script:Env.Server
    $script:Vault = $script:Env.Vault

    # What a user would write: two functions, no AcmePS types, talking to their DNS (here: challtestsrv).
    $global:ScriptPluginLog = [Collections.Generic.List[string]]::new()
    New-Module -Name ThirdPartyAcmePlugin -ScriptBlock {
        function Publish-AcmeScriptTestChallenge {
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, ValueFromPipeline)] $Challenge,
                [Parameter(Mandatory)] [string] $ManagementUrl,
                [string] $Tag,
                [switch] $WrongValue
            )
            process {
                foreach ($c in $Challenge) {
                    if ($c.Status -eq 'valid') { $c; continue }
                    $value = if ($WrongValue) { 'not-the-right-value' } else { $c.RecordValue }
                    $body = @{ host = "$($c.RecordName)."; value = $value } | ConvertTo-Json
                    $null = Invoke-RestMethod -Method Post -Uri "$ManagementUrl/set-txt" -Body $body
                    $global:ScriptPluginLog.Add("publish $($c.Identifier) $Tag")
                    $c.MarkPublished($PSCmdlet)
                }
            }
        }
        function Unpublish-AcmeScriptTestChallenge {
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, ValueFromPipeline)] $Challenge,
                [Parameter(Mandatory)] [string] $ManagementUrl,
                [string] $Tag,
                [switch] $WrongValue
            )
            begin { $global:ScriptPluginUnpublishCalls++ }
            process {
                foreach ($c in $Challenge) {
                    $null = Invoke-RestMethod -Method Post -Uri "$ManagementUrl/clear-txt" -Body (@{ host = "$($c.RecordName)." } | ConvertTo-Json)
                    $global:ScriptPluginLog.Add("unpublish $($c.Identifier) $Tag")
                }
            }
        }
        Export-ModuleMember -Function Publish-AcmeScriptTestChallenge, Unpublish-AcmeScriptTestChallenge
    } | Import-Module
}

AfterAll {
    Remove-Module ThirdPartyAcmePlugin -ErrorAction SilentlyContinue
    Remove-Variable ScriptPluginLog, ScriptPluginUnpublishCalls -Scope Global -ErrorAction SilentlyContinue
    Stop-TestEnvironment $script:Env
}

Describe 'A script plugin' {
    BeforeEach { $global:ScriptPluginLog.Clear(); $global:ScriptPluginUnpublishCalls = 0 }

    It 'publishes in the pipeline, and Submit-AcmeChallenge removes the records through its Unpublish command' {
        $name = New-UniqueName 'sp'
        $order = New-AcmeOrder -DnsName $name, "*.$name" |
            Get-AcmeChallenge |
            Publish-AcmeScriptTestChallenge -ManagementUrl $script:Server.ChallTestSrvUrl -Tag t1 |
            Submit-AcmeChallenge
        $order.Status | Should -Be 'ready'
        # the name and its wildcard, each marked by its own MarkPublished call, are removed in one Unpublish call
        $global:ScriptPluginUnpublishCalls | Should -Be 1
        # what the plugin was called with (API tokens, say) does not travel with the challenge objects
        $published = New-AcmeOrder -DnsName (New-UniqueName 'sec') | Get-AcmeChallenge |
            Publish-AcmeScriptTestChallenge -ManagementUrl $script:Server.ChallTestSrvUrl -Tag 'secret-token-123'
        ($published | ConvertTo-Json -Depth 5) | Should -Not -Match 'secret-token-123'
        ([Management.Automation.PSSerializer]::Serialize($published, 5)) | Should -Not -Match 'secret-token-123'
        $published | Submit-AcmeChallenge | Out-Null
        $global:ScriptPluginLog | Should -Contain "unpublish $($published[0].Identifier) secret-token-123"
        $global:ScriptPluginLog.RemoveAll({ param($e) $e -like '*secret-token-123' }) | Out-Null
        $global:ScriptPluginLog | Sort-Object | Should -Be (@(
                "publish $name t1", "publish *.$name t1", "unpublish $name t1", "unpublish *.$name t1") | Sort-Object)
        # unpublish came after every publish
        $global:ScriptPluginLog[0..1] | Should -BeLike 'publish *'
        ($order | Complete-AcmeOrder).DnsNames | Sort-Object | Should -Be (@($name, "*.$name") | Sort-Object)
    }

    It 'is used by New-AcmeCertificate -Plugin with -PluginParameters splatted into both commands' {
        $name = New-UniqueName 'sp1'
        $cert = New-AcmeCertificate -DnsName $name -Plugin ScriptTest -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl; Tag = 'one' }
        $cert.DnsNames | Should -Be @($name)
        $global:ScriptPluginLog | Should -Be @("publish $name one", "unpublish $name one")
    }

    It 'removes the records when validation fails, and the error names the identifier and the CA''s detail' {
        $name = New-UniqueName 'bad'
        $vaultBefore = Get-VaultFiles $script:Vault
        $out = New-AcmeCertificate -DnsName $name -Plugin ScriptTest -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl; WrongValue = $true; Tag = 'w' } `
            -TimeoutSeconds 60 -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Contain 'AcmeAuthorizationInvalid'
        $err = $ev | Where-Object { $_.FullyQualifiedErrorId -like 'AcmeAuthorizationInvalid,*' } | Select-Object -First 1
        $err.TargetObject | Should -Be $name
        $err.Exception.Message | Should -Match ([regex]::Escape($name))
        $err.Exception.Message | Should -Match 'unauthorized|incorrect|TXT'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $global:ScriptPluginLog | Should -Contain "unpublish $name w"
        (Get-AcmeOrder -Name $name).Status | Should -Be 'invalid'
        (Get-AcmeCertificate -Name $name -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    It 'checks -PluginParameters against both commands before ordering, and writes nothing' {
        $before = Get-VaultFiles $script:Vault
        New-AcmeCertificate -DnsName (New-UniqueName 'pp') -Plugin ScriptTest -PluginParameters @{ ManagementUrl = 'http://x'; NoSuch = 1 } -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmePluginParameterInvalid'
        $ev[0].Exception.Message | Should -Match '-NoSuch'
        New-AcmeCertificate -DnsName (New-UniqueName 'pp') -Plugin ScriptTest -PluginParameters @{ Tag = 'x' } -ErrorVariable ev2 -ErrorAction SilentlyContinue
        Get-ErrorId $ev2 | Should -Be 'AcmePluginParameterInvalid'
        $ev2[0].Exception.Message | Should -Match '-ManagementUrl'
        Get-VaultFiles $script:Vault | Should -Be $before
        $global:ScriptPluginLog | Should -BeNullOrEmpty
    }

    It 'brings the plugin''s own errors back to the caller''s error stream' {
        $closed = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $closed.Start(); $port = $closed.LocalEndpoint.Port; $closed.Stop()
        $out = New-AcmeCertificate -DnsName (New-UniqueName 'pe') -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = "http://127.0.0.1:$port" } `
            -ErrorVariable ev -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $ids = Get-ErrorId $ev
        $ids | Should -Contain 'AcmePluginUnreachable'
        $ids | Should -Contain 'AcmePluginPublishFailed'
    }

    It 'removes whatever a plugin that throws may have published, and reports AcmePluginPublishFailed' {
        New-Module -Name ThrowingAcmePlugin -ScriptBlock {
            function Publish-AcmeThrowingChallenge { param([Parameter(ValueFromPipeline)] $Challenge) process { $global:ScriptPluginLog.Add("publish $($Challenge.Identifier)"); throw 'DNS API said no' } }
            function Unpublish-AcmeThrowingChallenge { param([Parameter(ValueFromPipeline)] $Challenge) process { $global:ScriptPluginLog.Add("unpublish $($Challenge.Identifier)") } }
        } | Import-Module
        try {
            $name = New-UniqueName 'th'
            New-AcmeCertificate -DnsName $name, "*.$name" -Plugin Throwing -ErrorVariable ev -ErrorAction SilentlyContinue
            Get-ErrorId $ev | Should -Be 'AcmePluginPublishFailed'
            $ev[0].Exception.Message | Should -Match 'DNS API said no'
            $global:ScriptPluginLog | Where-Object { $_ -like 'unpublish *' } | Sort-Object | Should -Be (@("unpublish $name", "unpublish *.$name") | Sort-Object)
        }
        finally { Remove-Module ThrowingAcmePlugin }
    }

    It 'removes what was published even when the plugin''s error stops the command (-ErrorAction Stop)' {
        New-Module -Name HalfAcmePlugin -ScriptBlock {
            function Publish-AcmeHalfChallenge {
                param([Parameter(ValueFromPipeline)] $Challenge)
                process {
                    if ($Challenge.Identifier -like '*.*.*.*') { Write-Error -Message "no zone for $($Challenge.Identifier)" -ErrorId HalfNoZone; return }
                    $global:ScriptPluginLog.Add("publish $($Challenge.Identifier)"); $Challenge.MarkPublished($PSCmdlet)
                }
            }
            function Unpublish-AcmeHalfChallenge { param([Parameter(ValueFromPipeline)] $Challenge) process { $global:ScriptPluginLog.Add("unpublish $($Challenge.Identifier)") } }
        } | Import-Module
        try {
            $name = New-UniqueName 'hf'   # hfxxxx.example.test: 3 labels, published; sub.hf…: 4 labels, refused
            { New-AcmeCertificate -DnsName $name, "sub.$name" -Plugin Half -ErrorAction Stop } | Should -Throw -ErrorId 'HalfNoZone*'
            # whatever the plugin published before it stopped, Unpublish came after it
            foreach ($entry in $global:ScriptPluginLog | Where-Object { $_ -like 'publish *' }) {
                $global:ScriptPluginLog.IndexOf("un$entry") | Should -BeGreaterThan $global:ScriptPluginLog.IndexOf($entry)
            }
            $global:ScriptPluginLog | Should -Contain "publish $name"
            $global:ScriptPluginLog | Should -Contain "unpublish $name"
            $global:ScriptPluginLog | Should -Not -Contain "publish sub.$name"
        }
        finally { Remove-Module HalfAcmePlugin }
    }

    It 'fails fast when a name of the order has no challenge in the pipeline' {
        $name = New-UniqueName 'half'
        $challenges = @(New-AcmeOrder -DnsName $name, "x$name" | Get-AcmeChallenge)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $challenges[0] | Publish-AcmeScriptTestChallenge -ManagementUrl $script:Server.ChallTestSrvUrl -Tag half |
            Submit-AcmeChallenge -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'it must not wait for the 300 s timeout'
        Get-ErrorId $ev | Should -Be 'AcmeChallengeMissing'
        $ev[0].Exception.Message | Should -Match ([regex]::Escape($challenges[1].Identifier))
        $global:ScriptPluginLog | Should -Contain "unpublish $($challenges[0].Identifier) half"
    }

    It 'is refused with a clear error when its commands do not exist' {
        New-AcmeCertificate -DnsName (New-UniqueName 'np') -Plugin NoSuchPlugin -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmePluginNotFound'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].Exception.Message | Should -Match 'Publish-AcmeNoSuchPluginChallenge'
    }
}
