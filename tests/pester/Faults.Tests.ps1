# Transient faults are survived: one POST in five fails (503 with Retry-After, 500, connection dropped before
# Pebble saw the request, or dropped after Pebble acted on it), injected by the test proxy in front of Pebble.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Server = Start-AcmeTestServer
    $script:Proxy = Start-AcmeTestProxy -Server $script:Server -PostFaultPercent 20
    $script:Vault = New-TestVault
    Set-AcmeServer -DirectoryUrl $script:Proxy.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
    $script:Account = New-AcmeAccount -Contact 'faults@example.test' -AcceptTermsOfService
}

AfterAll {
    if ($script:Proxy) { Stop-AcmeTestProxy -Proxy $script:Proxy }
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    Remove-TestVault $script:Vault
}

Describe 'One POST in five failing' {
    It 'finishes at least 99 issuances in 100' {
        $failures = [Collections.Generic.List[string]]::new()
        $ok = 0
        foreach ($i in 1..100) {
            $cert = New-AcmeCertificate -DnsName (New-UniqueName "f$i") -Plugin ChallTestSrv `
                -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl } -ErrorVariable ev -ErrorAction SilentlyContinue
            if ($cert -and $cert.Thumbprint) { $ok++ } else { $failures.Add(($ev | ForEach-Object FullyQualifiedErrorId) -join '; ') }
        }
        $stats = Invoke-RestMethod -Uri $script:Proxy.StatsUrl -SkipCertificateCheck
        Write-Host "  $ok of 100 issued; proxy: $($stats | ConvertTo-Json -Compress)"
        # the faults really were injected, of every kind
        $stats.posts | Should -BeGreaterThan 700
        foreach ($kind in 'status503', 'status500', 'dropBefore', 'dropAfter') { $stats.$kind | Should -BeGreaterThan 10 -Because "$kind faults were injected" }
        $ok | Should -BeGreaterOrEqual 99 -Because ($failures -join ' | ')
        # every request carried the User-Agent AcmePS/<module version>
        $agents = @($stats.PSObject.Properties.Name | Where-Object { $_ -like 'ua:*' })
        $agents | Should -Be @("ua:AcmePS/$((Get-Module AcmePS).Version.ToString(3))")
    }
}
