# Tab completion: server names, account ids, order and certificate names, plugin names, challenge types.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Cts = @{ ManagementUrl = $script:Env.Server.ChallTestSrvUrl }
    $script:Base = New-UniqueName 'tab'
    $null = New-AcmeCertificate -DnsName "cert.$script:Base" -Plugin ChallTestSrv -PluginParameters $script:Cts
    $null = New-AcmeOrder -DnsName "order.$script:Base"
    $null = New-AcmeOrder -DnsName "*.wild.$script:Base"

    function Complete([string]$Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }
}

AfterAll { Stop-TestEnvironment $script:Env }

Describe 'Tab completion' {
    It 'completes known CA names and the vault''s servers' {
        Complete 'Set-AcmeServer LetsEnc' | Should -Be @('LetsEncrypt', 'LetsEncryptStaging')
        Complete 'Get-AcmeServer -Name 127' | Should -Be @('127.0.0.1')
    }

    It 'completes account ids' {
        Complete 'Get-AcmeAccount -Id ' | Should -Be @($script:Env.Account.Id)
        Complete "New-AcmeOrder -DnsName x.example.test -Account $($script:Env.Account.Id.Substring(0, 3))" | Should -Be @($script:Env.Account.Id)
    }

    It 'completes order names, quoting a wildcard order''s name' {
        $names = Complete 'Get-AcmeOrder -Name '
        $names | Should -Contain "order.$script:Base"
        $names | Should -Contain "cert.$script:Base"
        $names | Should -Contain "'!.wild.$script:Base'"
        Complete 'Complete-AcmeOrder -Name ord' | Should -Be @("order.$script:Base")
    }

    It 'completes only names that hold a certificate where a certificate is wanted' {
        Complete 'Export-AcmeCertificate -Path x.pfx -Name ' | Should -Be @("cert.$script:Base")
        Complete 'Revoke-AcmeCertificate -Name c' | Should -Be @("cert.$script:Base")
        Complete 'Revoke-AcmeCertificate -Name order' | Should -BeNullOrEmpty
    }

    It 'completes plugin names from every Publish-Acme<Name>Challenge command, a script function too' {
        function global:Publish-AcmeTabTestChallenge { param([Parameter(ValueFromPipeline)] $Challenge) process { $Challenge } }
        try {
            $plugins = Complete 'New-AcmeCertificate -DnsName x.example.test -Plugin '
            $plugins | Should -Contain 'ChallTestSrv'
            $plugins | Should -Contain 'TabTest'
            Complete 'New-AcmeCertificate -Plugin Chall' | Should -Be @('ChallTestSrv')
        }
        finally { Remove-Item function:Publish-AcmeTabTestChallenge }
    }

    It 'completes challenge and key types' {
        Complete 'Get-AcmeChallenge -Name x -Type ' | Should -Be @('dns-01', 'dns-account-01', 'dns-persist-01', 'http-01', 'tls-alpn-01')
        Complete 'Get-AcmeChallenge -Name x -Type dns-' | Should -Be @('dns-01', 'dns-account-01', 'dns-persist-01')
        Complete 'New-AcmeAccount -KeyType rsa' | Should -Be @('rsa2048', 'rsa3072', 'rsa4096')
    }
}
