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
    Remove-Variable ScriptPluginLog -Scope Global -ErrorAction SilentlyContinue
    Stop-TestEnvironment $script:Env
}

Describe 'A script plugin' {
    BeforeEach { $global:ScriptPluginLog.Clear() }

    It 'publishes in the pipeline, and Submit-AcmeChallenge removes the records through its Unpublish command' {
        $name = New-UniqueName 'sp'
        $order = New-AcmeOrder -DnsName $name, "*.$name" |
            Get-AcmeChallenge |
            Publish-AcmeScriptTestChallenge -ManagementUrl $script:Server.ChallTestSrvUrl -Tag t1 |
            Submit-AcmeChallenge
        $order.Status | Should -Be 'ready'
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

    It 'is refused with a clear error when its commands do not exist' {
        New-AcmeCertificate -DnsName (New-UniqueName 'np') -Plugin NoSuchPlugin -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmePluginNotFound'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].Exception.Message | Should -Match 'Publish-AcmeNoSuchPluginChallenge'
    }
}
