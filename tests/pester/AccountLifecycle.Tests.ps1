# The account lifecycle gaps: an interrupted key rollover settled at the next use (both ways, against Pebble),
# Get-AcmeAccount -Refresh, and accounts piped into Set-AcmeAccount and Disable-AcmeAccount.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Cts = @{ ManagementUrl = $script:Env.Server.ChallTestSrvUrl }
    $script:AccountDir = Join-Path $script:Env.Vault "servers/$($script:Env.Account.Server)/accounts/$($script:Env.Account.Id)"
    $script:KeyFile = Join-Path $script:AccountDir 'account.key'
    # The key files are encrypted (the envelope names its own path): read and write them as plain PEM through the
    # engine and as the plaintext a schema-1 vault had, which the vault still reads.
    $script:KeyPath = "servers/$($script:Env.Account.Server)/accounts/$($script:Env.Account.Id)/account.key"
}

AfterAll { Stop-TestEnvironment $script:Env }

Describe 'An interrupted key rollover' {
    It 'is dropped at the next use when the CA kept the old key' {
        $oldKey = Read-VaultSecret $script:KeyPath
        # A new key written before the CA was asked, and then nothing: the CA never saw it.
        $out = & openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>&1
        $LASTEXITCODE | Should -Be 0
        Set-Content -Path "$($script:KeyFile).new" -Value ($out -join "`n")
        $order = New-AcmeOrder -DnsName (New-UniqueName 'kept') -Verbose 4>&1
        ($order | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String) | Should -Match 'kept the old key'
        @($order | Where-Object { $_ -is [AcmePS.Models.AcmeOrder] }).Count | Should -Be 1
        Test-Path "$($script:KeyFile).new" | Should -BeFalse
        Read-VaultSecret $script:KeyPath | Should -Be $oldKey
    }

    It 'is committed at the next use when the CA has the new key' {
        $oldKey = Read-VaultSecret $script:KeyPath
        $null = Set-AcmeAccount -RolloverKey -KeyType ec384
        $newKey = Read-VaultSecret $script:KeyPath
        # Play the interruption: the CA changed the key, but the vault still has the old one as account.key.
        Set-Content -Path "$($script:KeyFile).new" -Value $newKey -NoNewline
        Set-Content -Path $script:KeyFile -Value $oldKey -NoNewline
        $json = Get-Content -Raw (Join-Path $script:AccountDir 'account.json') | ConvertFrom-Json
        $json.KeyType = 'ec256'; $json | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $script:AccountDir 'account.json')

        $cert = New-AcmeCertificate -DnsName (New-UniqueName 'moved') -Plugin ChallTestSrv -PluginParameters $script:Cts
        $cert.Thumbprint | Should -Match '^[0-9A-F]{40}$'
        Test-Path "$($script:KeyFile).new" | Should -BeFalse
        Read-VaultSecret $script:KeyPath | Should -Be $newKey
        (Get-AcmeAccount -Id $script:Env.Account.Id).KeyType | Should -Be 'ec384'
    }
}

Describe 'Get-AcmeAccount -Refresh' {
    It 're-reads the contacts and status from the CA into the vault' {
        $null = Set-AcmeAccount -Contact fresh@example.test
        # The vault goes stale (another machine changed the account, say).
        $file = Join-Path $script:AccountDir 'account.json'
        $json = Get-Content -Raw $file | ConvertFrom-Json
        $json.Contact = @('mailto:stale@example.test'); $json.Status = 'stale'
        $json | ConvertTo-Json -Depth 5 | Set-Content $file
        (Get-AcmeAccount -Id $script:Env.Account.Id).Contact | Should -Be @('mailto:stale@example.test')

        $refreshed = Get-AcmeAccount -Id $script:Env.Account.Id -Refresh
        $refreshed.Contact | Should -Be @('mailto:fresh@example.test')
        $refreshed.Status | Should -Be 'valid'
        $again = Get-AcmeAccount -Id $script:Env.Account.Id
        $again.Contact | Should -Be @('mailto:fresh@example.test')
        $again.Status | Should -Be 'valid'
    }
}

Describe 'Accounts from the pipeline' {
    It 'Get-AcmeAccount | Set-AcmeAccount -Contact changes each piped account' {
        $second = New-AcmeAccount -Contact second@example.test -AcceptTermsOfService
        $updated = Get-AcmeAccount | Set-AcmeAccount -Contact piped@example.test
        @($updated).Count | Should -Be 2
        $updated.Id | Sort-Object | Should -Be (@($script:Env.Account.Id, $second.Id) | Sort-Object)
        foreach ($a in Get-AcmeAccount -Refresh) { $a.Contact | Should -Be @('mailto:piped@example.test') }
    }

    It 'Get-AcmeAccount -Id X | Disable-AcmeAccount -Force deactivates that account only' {
        $victim = Get-AcmeAccount | Where-Object { $_.Id -ne $script:Env.Account.Id } | Select-Object -First 1
        $disabled = Get-AcmeAccount -Id $victim.Id | Disable-AcmeAccount -Force
        $disabled.Id | Should -Be $victim.Id
        $disabled.Status | Should -Be 'deactivated'
        (Get-AcmeAccount -Id $script:Env.Account.Id -Refresh).Status | Should -Be 'valid'
        # The CA refuses every request of a deactivated account; -Refresh keeps what the vault knows, without an error.
        $again = Get-AcmeAccount -Id $victim.Id -Refresh -ErrorVariable ev
        $ev | Should -BeNullOrEmpty
        $again.Status | Should -Be 'deactivated'
    }

    It 'Get-AcmeAccount | Disable-AcmeAccount -WhatIf changes nothing' {
        Get-AcmeAccount -Id $script:Env.Account.Id | Disable-AcmeAccount -WhatIf | Should -BeNullOrEmpty
        (Get-AcmeAccount -Id $script:Env.Account.Id -Refresh).Status | Should -Be 'valid'
    }
}

Describe 'A CA that requires External Account Binding' {
    BeforeAll {
        $script:EabServer = Start-AcmeTestServer -ExternalAccountMacKeys @{ 'kid-1' = 'zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W' }
        $script:EabVault = New-TestVault
        $null = Set-AcmeServer -DirectoryUrl $script:EabServer.DirectoryUrl -TrustedRoot $script:EabServer.TrustedRoot
    }
    AfterAll {
        if ($script:EabServer) { Stop-AcmeTestServer -Server $script:EabServer }
        Remove-TestVault $script:EabVault
    }

    It 'refuses New-AcmeAccount without -EabKeyId before any signed request' {
        $before = Get-VaultFiles $script:EabVault
        $verbose = New-AcmeAccount -AcceptTermsOfService -Verbose -ErrorVariable ev -ErrorAction SilentlyContinue 4>&1 | Out-String
        Get-ErrorId $ev | Should -Be 'AcmeExternalAccountRequired'
        $verbose | Should -Not -Match 'POST '
        (Get-Content -Raw $script:EabServer.PebbleLog) | Should -Not -Match 'sign-me-up'
        Get-VaultFiles $script:EabVault | Should -Be $before
    }
}
