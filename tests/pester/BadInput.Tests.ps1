# Bad input: a clear ErrorRecord (ErrorId + category) and nothing written to the vault.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Server = $script:Env.Server
    $script:Vault = $script:Env.Vault
}

AfterAll {
    Stop-TestEnvironment $script:Env
}

Describe 'Orders with bad names' {
    It 'refuses <Case> with <ErrorId> and writes nothing' -TestCases @(
        @{ Case = 'an invalid DNS name'; Names = @('bad..name.example.test'); ErrorId = 'AcmeDnsNameInvalid' }
        @{ Case = 'a label starting with a hyphen'; Names = @('-x.example.test'); ErrorId = 'AcmeDnsNameInvalid' }
        @{ Case = 'a wildcard not in the first label'; Names = @('a.*.example.test'); ErrorId = 'AcmeDnsNameInvalid' }
        @{ Case = 'an IP address as DNS name'; Names = @('192.0.2.1'); ErrorId = 'AcmeDnsNameInvalid' }
        @{ Case = 'a blank name'; Names = @(' '); ErrorId = 'AcmeDnsNameInvalid' }
    ) {
        param($Case, $Names, $ErrorId)
        $before = Get-VaultFiles $script:Vault
        New-AcmeOrder -DnsName $Names -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be $ErrorId
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-VaultFiles $script:Vault | Should -Be $before
    }

    It 'refuses an empty name list before anything is sent' {
        $before = Get-VaultFiles $script:Vault
        New-AcmeOrder -DnsName @() -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeIdentifierMissing'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        New-AcmeCertificate -DnsName @() -Plugin ChallTestSrv -ErrorVariable ev2 -ErrorAction SilentlyContinue
        Get-ErrorId $ev2 | Should -Be 'AcmeIdentifierMissing'
        Get-VaultFiles $script:Vault | Should -Be $before
    }

    It 'refuses an invalid order name' {
        New-AcmeOrder -DnsName (New-UniqueName) -Name '../escape' -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeOrderNameInvalid'
    }
}

Describe 'Challenge types' {
    It 'refuses http-01 for a wildcard name' {
        $name = New-UniqueName 'wc'
        $order = New-AcmeOrder -DnsName "*.$name"
        $order | Get-AcmeChallenge -Type http-01 -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeChallengeTypeNotOffered'
        $ev[0].TargetObject | Should -Be "*.$name"
        $ev[0].Exception.Message | Should -Match 'dns-01'
    }

    It 'refuses an unknown challenge type at binding' {
        { Get-AcmeChallenge -Name x -Type 'smtp-01' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'refuses to complete an order whose authorizations are still pending' {
        $order = New-AcmeOrder -DnsName (New-UniqueName 'np')
        $order | Complete-AcmeOrder -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeOrderNotReady'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }
}

Describe 'Missing server or account' {
    BeforeEach { $script:Saved = $env:ACMEPS_VAULT; $script:Empty = New-TestVault }
    AfterEach { Remove-TestVault $script:Empty; $env:ACMEPS_VAULT = $script:Saved }

    It 'says to run Set-AcmeServer when the vault has no server' {
        New-AcmeOrder -DnsName (New-UniqueName) -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeServerNotSet'
        $ev[0].Exception.Message | Should -Match 'Set-AcmeServer'
        Test-Path $script:Empty | Should -BeFalse
    }

    It 'says to run New-AcmeAccount when the server has no account' {
        Set-AcmeServer $script:Server.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
        $before = Get-VaultFiles $script:Empty
        New-AcmeOrder -DnsName (New-UniqueName) -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeAccountNotFound'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        New-AcmeCertificate -DnsName (New-UniqueName) -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl } -ErrorVariable ev2 -ErrorAction SilentlyContinue
        Get-ErrorId $ev2 | Should -Be 'AcmeAccountNotFound'
        Get-VaultFiles $script:Empty | Should -Be $before
    }

    It 'refuses an account without -AcceptTermsOfService' {
        Set-AcmeServer $script:Server.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
        $before = Get-VaultFiles $script:Empty
        New-AcmeAccount -Contact 'x@example.test' -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeTermsOfServiceNotAccepted'
        Get-VaultFiles $script:Empty | Should -Be $before
    }

    It 'refuses a contact that is not an e-mail address' {
        Set-AcmeServer $script:Server.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
        New-AcmeAccount -Contact 'not an address' -AcceptTermsOfService -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeContactInvalid'
        @(Get-AcmeAccount) | Should -HaveCount 0
    }
}

Describe 'Servers' {
    BeforeEach { $script:Saved = $env:ACMEPS_VAULT; $script:Empty = New-TestVault }
    AfterEach { Remove-TestVault $script:Empty; $env:ACMEPS_VAULT = $script:Saved }

    It 'reports an unreachable server and writes nothing' {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $listener.Start()
        $port = $listener.LocalEndpoint.Port; $listener.Stop()   # a port where nothing listens
        Set-AcmeServer "https://127.0.0.1:$port/dir" -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeServerUnreachable'
        $ev[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        Test-Path $script:Empty | Should -BeFalse
    }

    It 'does not trust a test CA''s TLS certificate unless told to' {
        Set-AcmeServer $script:Server.DirectoryUrl -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeServerNotTrusted'
        $ev[0].CategoryInfo.Category | Should -Be 'SecurityError'
        Test-Path $script:Empty | Should -BeFalse
    }

    It 'refuses a trusted root that is another certificate' {
        $other = Join-Path $script:Server.WorkDir 'other.pem'
        $null = & openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=other -keyout (Join-Path $script:Server.WorkDir 'other.key') -out $other 2>&1
        Set-AcmeServer $script:Server.DirectoryUrl -TrustedRoot $other -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeServerNotTrusted'
    }

    It 'says a URL that is not an ACME directory is not one' {
        $notAcme = $script:Server.DirectoryUrl -replace '/dir$', '/no-such-directory'
        Set-AcmeServer $notAcme -TrustedRoot $script:Server.TrustedRoot -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeServerNotAcme'
        Test-Path $script:Empty | Should -BeFalse
    }

    It 'takes a server piped from Get-AcmeServer' {
        Set-AcmeServer $script:Server.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
        Get-AcmeServer | Set-AcmeServer -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev | Should -BeNullOrEmpty
        (Get-AcmeServer -Default).DirectoryUrl.AbsoluteUri | Should -Be $script:Server.DirectoryUrl
    }

    It 'reports an account id that is not in the vault' {
        Set-AcmeServer $script:Server.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
        Get-AcmeAccount -Id 'no-such-account' -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeAccountNotFound'
        Get-AcmeAccount -Id 'no-such-*' -ErrorVariable ev2 | Should -BeNullOrEmpty
        $ev2 | Should -BeNullOrEmpty
    }

    It 'refuses a name that is neither a known CA nor a URL' {
        Set-AcmeServer 'NoSuchCA' -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeServerInvalid'
        $ev[0].Exception.Message | Should -Match 'LetsEncrypt'
    }

    It 'knows the public CAs by name' {
        Set-AcmeServer LetsEncryptStaging -WhatIf
        Test-Path $script:Empty | Should -BeFalse
    }
}
