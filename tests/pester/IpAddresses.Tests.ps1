# IP address certificates (RFC 8738): validated over http-01; the CSR carries iPAddress SANs and no CN.
BeforeDiscovery {
    # An IPv6 address can only be validated where the machine has IPv6 loopback: elsewhere that test is skipped, and
    # reported as skipped, not passed.
    Import-Module (Join-Path $PSScriptRoot '../TestServers.psm1') -Force
    $script:HasIPv6 = Test-IPv6Loopback
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Cts = @{ ManagementUrl = $script:Env.Server.ChallTestSrvUrl }
}

AfterAll { Stop-TestEnvironment $script:Env }

Describe 'IP identifiers' {
    It 'issues a certificate for an IPv4 address by http-01' {
        $cert = New-AcmeCertificate -IPAddress 127.0.0.1 -Plugin ChallTestSrv -PluginParameters $script:Cts -ChallengeType http-01 -Name loopback-ip
        $cert.IPAddresses | Should -Be @('127.0.0.1')
        $cert.DnsNames | Should -BeNullOrEmpty
        $chain = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new(); $chain.ImportFromPemFile($cert.CertificatePath)
        $x509 = $chain[0]
        # the CSR had no CN (xunit CsrTests); the subject of the issued certificate is the CA's choice
        $san = $x509.Extensions | Where-Object { $_.Oid.Value -eq '2.5.29.17' }
        $san.Format($false) | Should -Match '127\.0\.0\.1'
        (Get-AcmeOrder -Name loopback-ip).IPAddresses | Should -Be @('127.0.0.1')
    }

    It 'issues a certificate for an IPv4 and an IPv6 address by http-01' -Skip:(-not $script:HasIPv6) {
        $script:Env.Server.IPv6 | Should -BeTrue -Because 'challtestsrv answers http-01 on [::1] only where the machine has IPv6 loopback'
        $cert = New-AcmeCertificate -IPAddress 127.0.0.1, '::1' -Plugin ChallTestSrv -PluginParameters $script:Cts -ChallengeType http-01 -Name both-ip
        $cert.IPAddresses | Sort-Object | Should -Be (@('127.0.0.1', '::1') | Sort-Object)
        $chain = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new(); $chain.ImportFromPemFile($cert.CertificatePath)
        $san = ($chain[0].Extensions | Where-Object { $_.Oid.Value -eq '2.5.29.17' }).Format($false)
        $san | Should -Match '127\.0\.0\.1'
        $san | Should -Match '0:0:0:0:0:0:0:1|::1'
        # Pebble fetched the answer from both addresses
        $history = @(Invoke-RestMethod -Method Post -Uri "$($script:Env.Server.ChallTestSrvUrl)/http-request-history" -Body (@{ host = '::1' } | ConvertTo-Json))
        $history.Count | Should -BeGreaterThan 0
    }

    It 'mixes DNS names and addresses in one order, and renews it through the pipeline' {
        $name = New-UniqueName 'mix'
        $cert = New-AcmeCertificate -DnsName $name -IPAddress '127.0.0.1' -Plugin ChallTestSrv -PluginParameters $script:Cts -ChallengeType http-01
        $cert.DnsNames | Should -Be @($name)
        $cert.IPAddresses | Should -Be @('127.0.0.1')
        $renewed = Get-AcmeCertificate -Name $name | New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $script:Cts -ChallengeType http-01
        $renewed.IPAddresses | Should -Be @('127.0.0.1')
        $renewed.SerialNumber | Should -Not -Be $cert.SerialNumber
    }

    It 'refuses dns-01 for an address, and an address that is not one' {
        New-AcmeOrder -IPAddress 127.0.0.1 -Name ip-dns | Get-AcmeChallenge -Type dns-01 -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeChallengeTypeNotOffered'
        $before = Get-VaultFiles $script:Env.Vault
        New-AcmeOrder -IPAddress '300.1.2.3' -ErrorVariable ev2 -ErrorAction SilentlyContinue
        Get-ErrorId $ev2 | Should -Be 'AcmeIpAddressInvalid'
        New-AcmeOrder -ErrorVariable ev3 -ErrorAction SilentlyContinue
        Get-ErrorId $ev3 | Should -Be 'AcmeIdentifierMissing'
        Get-VaultFiles $script:Env.Vault | Should -Be $before
    }
}
