# Account management against a real Pebble: External Account Binding (a Pebble that requires it), contact update, key
# rollover and deactivation (a Pebble without EAB).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function ConvertTo-B64Url([byte[]]$Bytes) { [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    $script:HmacKey = ConvertTo-B64Url ([byte[]](201..232))
    $script:WrongKey = ConvertTo-B64Url ([byte[]](1..32))
    $script:EabServer = Start-AcmeTestServer -ExternalAccountMacKeys @{ 'kid-1' = $script:HmacKey }
}

AfterAll {
    if ($script:EabServer) { Stop-AcmeTestServer -Server $script:EabServer }
}

Describe 'External Account Binding' {
    BeforeEach {
        $script:Vault = New-TestVault
        $null = Set-AcmeServer -DirectoryUrl $script:EabServer.DirectoryUrl -TrustedRoot $script:EabServer.TrustedRoot
        $script:Before = Get-VaultFiles $script:Vault
    }
    AfterEach { Remove-TestVault $script:Vault }

    It 'the server shows that it requires EAB' {
        (Get-AcmeServer -Default).ExternalAccountRequired | Should -BeTrue
    }

    It 'creates the account with -EabKeyId and -EabHmacKey, and the key appears in no stream' {
        $all = New-AcmeAccount -Contact eab@example.test -AcceptTermsOfService -EabKeyId kid-1 -EabHmacKey $script:HmacKey -Verbose *>&1
        $account = @($all | Where-Object { $_ -is [AcmePS.Models.AcmeAccount] })
        $account.Count | Should -Be 1
        $account[0].Status | Should -Be 'valid'
        $account[0].Contact | Should -Be @('mailto:eab@example.test')
        ($all | Out-String) | Should -Not -Match ([regex]::Escape($script:HmacKey))
        (Get-AcmeAccount).Id | Should -Be $account[0].Id
        Get-VaultFiles $script:Vault | Should -Contain "/servers/$($account[0].Server)/accounts/$($account[0].Id)/account.key"
    }

    It 'accepts -EabAlgorithm HS512' {
        $account = New-AcmeAccount -AcceptTermsOfService -EabKeyId kid-1 -EabHmacKey $script:HmacKey -EabAlgorithm HS512
        $account.Status | Should -Be 'valid'
    }

    It 'without EAB writes AcmeExternalAccountRequired and nothing to the vault' {
        New-AcmeAccount -AcceptTermsOfService -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeExternalAccountRequired'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-VaultFiles $script:Vault | Should -Be $script:Before
    }

    It 'with a wrong HMAC key writes the CA''s AcmeUnauthorized and nothing to the vault, never quoting the key' {
        New-AcmeAccount -AcceptTermsOfService -EabKeyId kid-1 -EabHmacKey $script:WrongKey -Verbose -ErrorVariable ev -ErrorAction SilentlyContinue 4>&1 |
            Out-String | Should -Not -Match ([regex]::Escape($script:WrongKey))
        Get-ErrorId $ev | Should -Be 'AcmeUnauthorized'
        $ev[0].Exception.Message | Should -Match 'external account binding'
        $ev[0].Exception.Message | Should -Not -Match ([regex]::Escape($script:WrongKey))
        Get-VaultFiles $script:Vault | Should -Be $script:Before
    }

    It 'with an unknown key id writes AcmeUnauthorized and nothing to the vault' {
        New-AcmeAccount -AcceptTermsOfService -EabKeyId kid-2 -EabHmacKey $script:HmacKey -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeUnauthorized'
        Get-VaultFiles $script:Vault | Should -Be $script:Before
    }

    It 'refuses a key that is not base64url with AcmeEabKeyInvalid before any request, never quoting it' {
        $bad = 'not+base64/url=='
        New-AcmeAccount -AcceptTermsOfService -EabKeyId kid-1 -EabHmacKey $bad -Verbose -ErrorVariable ev -ErrorAction SilentlyContinue 4>&1 |
            Should -BeNullOrEmpty -Because 'no request is made, so there is no verbose line'
        Get-ErrorId $ev | Should -Be 'AcmeEabKeyInvalid'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].Exception.Message | Should -Not -Match ([regex]::Escape($bad))
        Get-VaultFiles $script:Vault | Should -Be $script:Before
    }

    It 'refuses -EabKeyId without -EabHmacKey with AcmeEabParameterMissing' {
        New-AcmeAccount -AcceptTermsOfService -EabKeyId kid-1 -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeEabParameterMissing'
        Get-VaultFiles $script:Vault | Should -Be $script:Before
    }
}

Describe 'Changing and deactivating an account' {
    BeforeAll {
        $script:Env = Start-TestEnvironment
        $script:Cts = @{ ManagementUrl = $script:Env.Server.ChallTestSrvUrl }
    }
    AfterAll { Stop-TestEnvironment $script:Env }

    It 'Set-AcmeAccount -Contact changes the contacts at the CA and in the vault' {
        $updated = Set-AcmeAccount -Contact new@example.test, 'mailto:other@example.test'
        $updated.Id | Should -Be $script:Env.Account.Id
        # The output is the account as the CA answered the update.
        $updated.Contact | Should -Be @('mailto:new@example.test', 'mailto:other@example.test')
        (Get-AcmeAccount -Id $script:Env.Account.Id).Contact | Should -Be @('mailto:new@example.test', 'mailto:other@example.test')
    }

    It 'Set-AcmeAccount -Contact -WhatIf changes nothing' {
        $before = (Get-AcmeAccount -Id $script:Env.Account.Id).Contact
        Set-AcmeAccount -Contact whatif@example.test -WhatIf | Should -BeNullOrEmpty
        (Get-AcmeAccount -Id $script:Env.Account.Id).Contact | Should -Be $before
    }

    It 'Set-AcmeAccount -Contact refuses an address that is not one, before any request' {
        Set-AcmeAccount -Contact 'not an address' -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeContactInvalid'
    }

    It 'Set-AcmeAccount -RolloverKey replaces the key, and the new key issues certificates' {
        $keyFile = Join-Path $script:Env.Vault "servers/$($script:Env.Account.Server)/accounts/$($script:Env.Account.Id)/account.key"
        $oldKey = Get-Content -Raw $keyFile
        $account = Set-AcmeAccount -RolloverKey -KeyType ec384
        $account.KeyType | Should -Be 'ec384'
        (Get-AcmeAccount -Id $script:Env.Account.Id).KeyType | Should -Be 'ec384'
        Get-Content -Raw $keyFile | Should -Not -Be $oldKey
        Test-Path "$keyFile.new" | Should -BeFalse
        $cert = New-AcmeCertificate -DnsName (New-UniqueName 'roll') -Plugin ChallTestSrv -PluginParameters $script:Cts
        $cert.Thumbprint | Should -Match '^[0-9A-F]{40}$'
    }

    It 'Disable-AcmeAccount -Force deactivates the account; the CA then refuses its orders with AcmeUnauthorized' {
        $disabled = Disable-AcmeAccount -Force
        $disabled.Status | Should -Be 'deactivated'
        # The CA's own record of the account, as it answered the deactivation, has the contacts set above.
        $disabled.Contact | Should -Be @('mailto:new@example.test', 'mailto:other@example.test')
        (Get-AcmeAccount -Id $script:Env.Account.Id).Status | Should -Be 'deactivated'
        New-AcmeOrder -DnsName (New-UniqueName 'dead') -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeUnauthorized'
        $ev[0].Exception.Message | Should -Match 'deactivated'
    }
}

Describe 'Disable-AcmeAccount -WhatIf' {
    BeforeAll { $script:Env2 = Start-TestEnvironment }
    AfterAll { Stop-TestEnvironment $script:Env2 }

    It 'changes nothing' {
        Disable-AcmeAccount -WhatIf | Should -BeNullOrEmpty
        (Get-AcmeAccount -Id $script:Env2.Account.Id).Status | Should -Be 'valid'
        New-AcmeOrder -DnsName (New-UniqueName 'alive') | Should -Not -BeNullOrEmpty
    }
}
