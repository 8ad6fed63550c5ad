# Alternate chains (RFC 8555 §7.4.2): every chain the CA offers is stored, and -PreferredChain picks the default one.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Server = Start-AcmeTestServer -AlternateRoots 2
    $script:Vault = New-TestVault
    $null = Initialize-TestAccount $script:Server
    $script:Cts = @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
}

AfterAll {
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    Remove-TestVault $script:Vault
}

Describe 'Chains' {
    It 'stores the default chain and both alternates' {
        $cert = New-AcmeCertificate -DnsName (New-UniqueName 'ch') -Plugin ChallTestSrv -PluginParameters $script:Cts
        $cert.ChainPaths | Should -HaveCount 3
        @($cert.ChainRootIssuers | Sort-Object -Unique) | Should -HaveCount 3
        foreach ($path in $cert.ChainPaths) {
            $chain = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new(); $chain.ImportFromPemFile($path)
            $chain[0].Thumbprint | Should -Be $cert.Thumbprint   # the same certificate in every chain
        }
        $script:Alternate = $cert.ChainRootIssuers[2]
    }

    It 'makes the preferred chain the default, for export too, and keeps it for the next certificate of the name' {
        $name = New-UniqueName 'pref'
        $cert = New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts -PreferredChain $script:Alternate -WarningVariable wv
        $wv | Should -BeNullOrEmpty
        $cert.ChainRootIssuers[0] | Should -Be $script:Alternate
        $full = Join-Path $script:Server.WorkDir "$name.pem"
        $cert | Export-AcmeCertificate -Path $full
        $exported = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new(); $exported.ImportFromPemFile($full)
        $exported[$exported.Count - 1].Issuer | Should -Be "CN=$script:Alternate"
        $renewed = Get-AcmeCertificate -Name $name | New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $script:Cts
        $renewed.ChainRootIssuers[0] | Should -Be $script:Alternate
    }

    It 'warns and keeps the CA''s default chain when no chain has the preferred issuer' {
        $cert = New-AcmeCertificate -DnsName (New-UniqueName 'nopref') -Plugin ChallTestSrv -PluginParameters $script:Cts -PreferredChain 'No Such Root' `
            -WarningVariable wv -WarningAction SilentlyContinue
        $cert.ChainPaths | Should -HaveCount 3
        "$wv" | Should -Match 'No Such Root'
    }
}
