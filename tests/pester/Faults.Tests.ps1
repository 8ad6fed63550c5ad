# Transient faults are survived: one POST in five fails (503 with Retry-After, 500, connection dropped before
# Pebble saw the request, or dropped after Pebble acted on it, badNonce, or held past the client's request timeout
# and then acted on), injected by the test proxy in front of Pebble.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # A short request timeout (the engine's default is 30 s), so that a delay past it stays short.
    $script:OldTimeout = $env:ACMEPS_REQUEST_TIMEOUT_SECONDS
    $env:ACMEPS_REQUEST_TIMEOUT_SECONDS = '2'
    $script:Server = Start-AcmeTestServer
    # A fixed seed: the same faults in the same order on every run, so that a failure can be run again as it happened.
    $script:Proxy = Start-AcmeTestProxy -Server $script:Server -PostFaultPercent 20 -DelayMilliseconds 2500 -Seed 20261128 `
        -Faults status503, status500, dropBefore, dropAfter, badNonce, delay
    $script:Vault = New-TestVault
    Set-AcmeServer -DirectoryUrl $script:Proxy.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
    $script:Account = New-AcmeAccount -Contact 'faults@example.test' -AcceptTermsOfService
}

AfterAll {
    if ($script:Proxy) { Stop-AcmeTestProxy -Proxy $script:Proxy }
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    Remove-TestVault $script:Vault
    $env:ACMEPS_REQUEST_TIMEOUT_SECONDS = $script:OldTimeout
}

Describe 'One POST in five failing' {
    It 'finishes at least 99 issuances in 100' {
        $failures = [Collections.Generic.List[string]]::new()
        $issued = @{}
        foreach ($i in 1..100) {
            $cert = New-AcmeCertificate -DnsName (New-UniqueName "f$i") -Plugin ChallTestSrv `
                -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl } -ErrorVariable ev -ErrorAction SilentlyContinue
            if ($cert -and $cert.Thumbprint) { $issued[$cert.Name] = $cert.Thumbprint } else { $failures.Add(($ev | ForEach-Object FullyQualifiedErrorId) -join '; ') }
        }
        $ok = $issued.Count
        $stats = Invoke-RestMethod -Uri $script:Proxy.StatsUrl -SkipCertificateCheck
        Write-Host "  $ok of 100 issued; proxy: $($stats | ConvertTo-Json -Compress)"
        # the faults really were injected, of every kind
        $stats.posts | Should -BeGreaterThan 700
        foreach ($kind in 'status503', 'status500', 'dropBefore', 'dropAfter', 'badNonce', 'delay') { $stats.$kind | Should -BeGreaterThan 10 -Because "$kind faults were injected" }
        $ok | Should -BeGreaterOrEqual 99 -Because ($failures -join ' | ')
        # the vault holds every one of them: the same certificate, its chain file and its key
        $inVault = @{}; Get-AcmeCertificate | ForEach-Object { $inVault[$_.Name] = $_ }
        foreach ($name in $issued.Keys) {
            $inVault[$name].Thumbprint | Should -Be $issued[$name]
            $pem = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($inVault[$name].CertificatePath, (Export-TestKey $inVault[$name]))
            $pem.Thumbprint | Should -Be $issued[$name]
            $pem.HasPrivateKey | Should -BeTrue
        }
        # every request carried the User-Agent AcmePS/<module version>
        $agents = @($stats.PSObject.Properties.Name | Where-Object { $_ -like 'ua:*' })
        $agents | Should -Be @("ua:AcmePS/$((Get-Module AcmePS).Version.ToString(3))")
    }
}
