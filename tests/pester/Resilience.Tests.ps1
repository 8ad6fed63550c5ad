# badNonce never ends an issuance: Pebble rejecting 30 % of good nonces.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment -NonceRejectPercent 30
    $script:Server = $script:Env.Server
    $script:Vault = $script:Env.Vault
}

AfterAll {
    Stop-TestEnvironment $script:Env
}

Describe 'Pebble rejecting 30 % of nonces' {
    It 'completes 10 issuances out of 10, retrying each badNonce' {
        $verbose = [Collections.Generic.List[string]]::new()
        $certs = foreach ($i in 1..10) {
            $name = New-UniqueName "nr$i"
            New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl } -Verbose 4>&1 |
                ForEach-Object { if ($_ -is [Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) } else { $_ } }
        }
        @($certs).Count | Should -Be 10
        @($certs | Where-Object { $_.Thumbprint }).Count | Should -Be 10
        # the rejections really happened, and were retried
        @($verbose | Where-Object { $_ -like 'badNonce*' }).Count | Should -BeGreaterThan 0
        (Get-Content -Raw $script:Server.PebbleLog) | Should -Match 'reject 30% of good nonces'
    }
}
