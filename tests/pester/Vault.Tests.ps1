# Encryption at rest, end to end: what the vault holds on disk after real issuance, rollover and recorded plugin
# secrets; wrong and missing keys; protection changes; a schema-1 vault's migration; export/import; local removal.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Server = Start-AcmeTestServer
    $script:Vault = New-TestVault
    $null = Initialize-TestAccount $script:Server
    $script:ModulePath = (Get-Module AcmePS).Path -replace '\.dll$', '.psd1'

    # A DNS plugin with secret parameters (a TSIG-like key as a string, an API token as a SecureString) that
    # New-AcmeCertificate records on the order for renewals.
    New-Module -Name VaultSecretPlugin -ScriptBlock {
        function Publish-AcmeVaultSecretChallenge {
            [CmdletBinding()]
            param([Parameter(Mandatory, ValueFromPipeline)] $Challenge, [Parameter(Mandatory)] [string] $ManagementUrl,
                [string] $TsigSecret, [securestring] $ApiToken)
            process {
                foreach ($c in $Challenge) {
                    $null = Invoke-RestMethod -Method Post -Uri "$ManagementUrl/set-txt" -Body (@{ host = "$($c.RecordName)."; value = $c.RecordValue } | ConvertTo-Json)
                    $c.MarkPublished($PSCmdlet)
                }
            }
        }
        function Unpublish-AcmeVaultSecretChallenge {
            [CmdletBinding()]
            param([Parameter(Mandatory, ValueFromPipeline)] $Challenge, [Parameter(Mandatory)] [string] $ManagementUrl,
                [string] $TsigSecret, [securestring] $ApiToken)
            process { foreach ($c in $Challenge) { $null = Invoke-RestMethod -Method Post -Uri "$ManagementUrl/clear-txt" -Body (@{ host = "$($c.RecordName)." } | ConvertTo-Json) } }
        }
        Export-ModuleMember -Function Publish-AcmeVaultSecretChallenge, Unpublish-AcmeVaultSecretChallenge
    } | Import-Module

    function Get-VaultText([string]$Path) {
        # Every file of a vault, as text, with its relative path.
        Get-ChildItem $Path -Recurse -File -Force | ForEach-Object {
            [pscustomobject]@{ File = $_.FullName.Substring($Path.Length); Text = [IO.File]::ReadAllText($_.FullName) }
        }
    }

    function Get-PemBody([string]$Pem) {
        # The base64 lines of a PEM, joined: the key bytes as they would appear if written in plaintext.
        (($Pem -split "`n") | Where-Object { $_ -and $_ -notmatch '^-----' }) -join ''
    }

    function Invoke-Child([scriptblock]$Script, [hashtable]$Environment) {
        # A fresh pwsh (no key cached in the session) with the vault and these environment variables.
        $saved = @{}
        foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
        try {
            $command = "Import-Module '$script:ModulePath'; `$ErrorActionPreference = 'Continue'; " + $Script.ToString()
            $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($command))
            $output = & $script:Pwsh -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
            $output | Out-String
        }
        finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
    }
}

AfterAll {
    Remove-Module VaultSecretPlugin -ErrorAction SilentlyContinue
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    Remove-TestVault $script:Vault
}

Describe 'What the vault holds on disk' {
    BeforeAll {
        $script:Tsig = 'tsig-' + [guid]::NewGuid().ToString('N')
        $script:Token = 'api-token-' + [guid]::NewGuid().ToString('N')
        $parameters = @{ ManagementUrl = $script:Server.ChallTestSrvUrl; TsigSecret = $script:Tsig; ApiToken = (ConvertTo-SecureString $script:Token -AsPlainText -Force) }
        $script:Name = New-UniqueName 'enc'
        $script:Cert = New-AcmeCertificate -DnsName $script:Name -Plugin VaultSecret -PluginParameters $parameters
        $script:RolledOver = Set-AcmeAccount -RolloverKey -KeyType ec384
        $script:Cert = New-AcmeCertificate -DnsName $script:Name -Plugin VaultSecret -PluginParameters $parameters -KeyType rsa2048   # a renewal: cert.key replaced
        $keyFile = Join-Path $TestDrive 'cert.key'
        $script:Cert | Export-AcmeCertificate -Path $keyFile -Format KeyPem
        $script:CertKeyPem = Get-Content -Raw $keyFile
        $account = $script:RolledOver
        $script:AccountKeyPem = Read-VaultSecret "servers/$($account.Server)/accounts/$($account.Id)/account.key"
        $order = Get-AcmeOrder -Name $script:Name
        $script:PluginJson = Read-VaultSecret "servers/$($order.Server)/accounts/$($order.AccountId)/orders/$($script:Name)/plugin.json"
        $script:Files = @(Get-VaultText $script:Vault)
    }

    It 'recorded the plugin secrets and keys (read back through the vault)' {
        $script:PluginJson | Should -Match ([regex]::Escape($script:Tsig))
        $script:PluginJson | Should -Match ([regex]::Escape($script:Token))
        $script:AccountKeyPem | Should -Match 'PRIVATE KEY'
        $script:CertKeyPem | Should -Match 'PRIVATE KEY'
        $script:RolledOver.KeyType | Should -Be 'ec384'
    }

    It 'has no private key, plugin secret, key bytes or passphrase in plaintext in any file' {
        $script:Files.Count | Should -BeGreaterThan 5
        $needles = @('PRIVATE KEY', $script:Tsig, $script:Token, $env:ACMEPS_VAULT_KEY,
            (Get-PemBody $script:AccountKeyPem).Substring(0, 40), (Get-PemBody $script:AccountKeyPem).Substring(48, 40),
            (Get-PemBody $script:CertKeyPem).Substring(0, 40), (Get-PemBody $script:CertKeyPem).Substring((Get-PemBody $script:CertKeyPem).Length - 60, 40))
        # (windows over private parts only: an RSA key's modulus, early in its PEM, is public and in cert.pem too)
        foreach ($f in $script:Files) {
            foreach ($needle in $needles) { $f.Text.Contains($needle) | Should -BeFalse -Because "$($f.File) must not hold '$($needle.Substring(0, 6))…'" }
        }
    }

    It 'encrypts each key and plugin file, and nothing else' {
        $secret = @($script:Files | Where-Object { (Split-Path $_.File -Leaf) -like '*.key' -or (Split-Path $_.File -Leaf) -in 'account.key.new', 'plugin.json' })
        $secret.Count | Should -BeGreaterOrEqual 3
        foreach ($f in $secret) { $f.Text | Should -BeLike 'ACMEPS-VAULT-ENCRYPTED v1 *' -Because $f.File }
        @($script:Files | Where-Object { $_.File -like '*cert-*.pem' }).Count | Should -BeGreaterThan 0
        foreach ($f in $script:Files | Where-Object { $_.File -like '*.pem' }) { $f.Text | Should -Match 'BEGIN CERTIFICATE' -Because $f.File }
    }

    It 'Get-AcmeVault shows Key protection, schema 2 and no unencrypted secret' {
        $info = Get-AcmeVault
        $info.Path | Should -Be $script:Vault
        $info.Protection | Should -Be 'Key'
        $info.SchemaVersion | Should -Be 2
        $info.UnencryptedSecretFiles | Should -Be 0
        $info.SecretFiles | Should -BeGreaterOrEqual 3
        $info.Kdf | Should -Be 'scrypt N=2^10 r=8 p=1'
        $info.ReencryptionPending | Should -BeFalse
        ($info | Out-String) | Should -Not -Match ([regex]::Escape($env:ACMEPS_VAULT_KEY))
    }
}

Describe 'An account made with External Account Binding' {
    BeforeAll {
        $bytes = [byte[]](1..32 | ForEach-Object { Get-Random -Minimum 0 -Maximum 256 })
        $script:Hmac = [Convert]::ToBase64String($bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
        $script:HmacStd = [Convert]::ToBase64String($bytes)
        $script:EabServer = Start-AcmeTestServer -ExternalAccountMacKeys @{ 'kid-vault' = $script:Hmac }
        $script:SavedVault = $env:ACMEPS_VAULT
        $script:EabVault = New-TestVault
    }
    AfterAll {
        if ($script:EabServer) { Stop-AcmeTestServer -Server $script:EabServer }
        Remove-TestVault $script:EabVault
        $env:ACMEPS_VAULT = $script:SavedVault
    }

    It 'leaves neither the HMAC key nor the account key in plaintext in the vault' {
        Set-AcmeServer -DirectoryUrl $script:EabServer.DirectoryUrl -TrustedRoot $script:EabServer.TrustedRoot
        $account = New-AcmeAccount -Contact eab@example.test -AcceptTermsOfService -EabKeyId kid-vault -EabHmacKey $script:Hmac
        $account.Status | Should -Be 'valid'
        $files = @(Get-VaultText $script:EabVault)
        $files.Count | Should -BeGreaterThan 2
        foreach ($f in $files) {
            foreach ($needle in 'PRIVATE KEY', $script:Hmac.Substring(0, 24), $script:HmacStd.Substring(0, 24)) {
                $f.Text.Contains($needle) | Should -BeFalse -Because "$($f.File) must not hold it"
            }
        }
    }
}

Describe 'Missing and wrong keys, and a change of passphrase' {
    It 'a new process without ACMEPS_VAULT_KEY reads the records but not the keys (AcmeVaultKeyMissing), a wrong one gets AcmeVaultKeyInvalid, and neither writes a file' {
        $name = (Get-AcmeCertificate | Select-Object -First 1).Name
        $out = Join-Path $TestDrive 'nokey.key'
        $child = {
            $c = Get-AcmeCertificate -Name '__NAME__'
            "names: $($c.DnsNames -join ',')"
            Export-AcmeCertificate -Name '__NAME__' -Path '__OUT__' -Format KeyPem -ErrorVariable ev -ErrorAction SilentlyContinue
            "ids: $(($ev | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) -join ',')"
            "message: $($ev[0].Exception.Message)"
        }.ToString().Replace('__NAME__', $name).Replace('__OUT__', $out)
        $missing = Invoke-Child ([scriptblock]::Create($child)) @{ ACMEPS_VAULT_KEY = $null }
        $missing | Should -Match "names: $([regex]::Escape($name))"
        $missing | Should -Match 'ids: AcmeVaultKeyMissing'
        $missing | Should -Match 'ACMEPS_VAULT_KEY'
        $wrong = Invoke-Child ([scriptblock]::Create($child)) @{ ACMEPS_VAULT_KEY = 'not the passphrase at all' }
        $wrong | Should -Match 'ids: AcmeVaultKeyInvalid'
        $wrong | Should -Not -Match 'not the passphrase at all'
        Test-Path $out | Should -BeFalse
    }

    It 'Set-AcmeVault -Passphrase re-encrypts every secret under a new key; only the new passphrase opens it then' {
        $before = Get-AcmeVault
        $new = ConvertTo-SecureString 'the new vault passphrase' -AsPlainText -Force
        $after = Set-AcmeVault -Passphrase $new
        $after.KeyId | Should -Not -Be $before.KeyId
        $after.UnencryptedSecretFiles | Should -Be 0
        foreach ($f in Get-VaultText $script:Vault | Where-Object { (Split-Path $_.File -Leaf) -in 'account.key', 'cert.key', 'plugin.json' }) {
            $f.Text | Should -BeLike "ACMEPS-VAULT-ENCRYPTED v1 $($after.KeyId) *"
        }
        $child = { "ids: $((Get-AcmeCertificate | Select-Object -First 1 | Export-AcmeCertificate -Path (Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString('N') + '.key')) -PassThru -ErrorVariable ev -ErrorAction SilentlyContinue) -ne $null) $(($ev | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) -join ',')" }
        Invoke-Child $child @{ ACMEPS_VAULT_KEY = $env:ACMEPS_VAULT_KEY } | Should -Match 'ids: False AcmeVaultKeyInvalid'
        Invoke-Child $child @{ ACMEPS_VAULT_KEY = 'the new vault passphrase' } | Should -Match 'ids: True\s*$'
        # Unlock-AcmeVault in a session without the variable
        $unlock = { Unlock-AcmeVault -Passphrase (ConvertTo-SecureString 'the new vault passphrase' -AsPlainText -Force); "unlocked"; $c = Get-AcmeCertificate | Select-Object -First 1; "ids: $(($c | Export-AcmeCertificate -Path (Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString('N') + '.pfx')) -PassThru) -ne $null)" }
        Invoke-Child $unlock @{ ACMEPS_VAULT_KEY = $null } | Should -Match '(?s)unlocked.*ids: True'
        # this session keeps working (it holds the new key since Set-AcmeVault), and so does the suite after
        $env:ACMEPS_VAULT_KEY = 'the new vault passphrase'
        New-AcmeCertificate -DnsName (New-UniqueName 'after') -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl } | Should -Not -BeNullOrEmpty
    }

    It 'refuses DPAPI where there is none (AcmeVaultProtectionUnsupported) and changes nothing' -Skip:$IsWindows {
        $before = Get-AcmeVault
        Set-AcmeVault -Protection DpapiMachine -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeVaultProtectionUnsupported'
        (Get-AcmeVault).KeyId | Should -Be $before.KeyId
    }
}

Describe 'A schema-1 vault (plaintext keys, as AcmePS before encryption wrote it)' {
    BeforeEach {
        $script:Saved = @{ Vault = $env:ACMEPS_VAULT; Key = $env:ACMEPS_VAULT_KEY }
        $script:Old = New-TestVault
        $null = Initialize-AcmeVault -Protection None -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -Match 'plaintext'
        $null = Initialize-TestAccount $script:Server
        $script:OldCert = New-AcmeCertificate -DnsName (New-UniqueName 'old') -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
        # what schema 1 was: no protection.json, vault.json schema 1
        Remove-Item (Join-Path $script:Old 'protection.json')
        $config = Get-Content -Raw (Join-Path $script:Old 'vault.json') | ConvertFrom-Json
        $config.schemaVersion = 1
        $config | ConvertTo-Json | Set-Content (Join-Path $script:Old 'vault.json')
        (Get-VaultText $script:Old | Where-Object Text -Match 'PRIVATE KEY').Count | Should -BeGreaterOrEqual 2
    }
    AfterEach { Remove-TestVault $script:Old; $env:ACMEPS_VAULT = $script:Saved.Vault; $env:ACMEPS_VAULT_KEY = $script:Saved.Key }

    It 'keeps working as it is, and Initialize-AcmeVault encrypts every key in it' {
        $info = Get-AcmeVault
        $info.Initialized | Should -BeFalse
        $info.SchemaVersion | Should -Be 1
        $info.UnencryptedSecretFiles | Should -BeGreaterOrEqual 2
        (Get-AcmeCertificate -Name $script:OldCert.Name).Thumbprint | Should -Be $script:OldCert.Thumbprint

        $env:ACMEPS_VAULT_KEY = $null
        $info = Initialize-AcmeVault -Protection Key -Passphrase (ConvertTo-SecureString 'migration passphrase' -AsPlainText -Force) -KdfCost 10
        $info.Protection | Should -Be 'Key'
        $info.SchemaVersion | Should -Be 2
        $info.UnencryptedSecretFiles | Should -Be 0
        (Get-VaultText $script:Old | Where-Object Text -Match 'PRIVATE KEY') | Should -BeNullOrEmpty
        $pfx = Join-Path $TestDrive 'migrated.pfx'
        Get-AcmeCertificate -Name $script:OldCert.Name | Export-AcmeCertificate -Path $pfx
        $pfx | Should -Exist
    }

    It 'is protected with the default mode at its first secret write, its old keys encrypted with it' {
        New-AcmeCertificate -DnsName (New-UniqueName 'mig') -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl } | Should -Not -BeNullOrEmpty
        $info = Get-AcmeVault
        $info.Protection | Should -Be 'Key' -Because 'ACMEPS_VAULT_KEY is set (on Windows too: a job with a passphrase gets a vault any machine can open)'
        $info.UnencryptedSecretFiles | Should -Be 0
        (Get-VaultText $script:Old | Where-Object Text -Match 'PRIVATE KEY') | Should -BeNullOrEmpty
    }

    It 'refuses to write a key without a passphrase (AcmeVaultKeyMissing) before asking the CA for an account' -Skip:$IsWindows {
        $env:ACMEPS_VAULT_KEY = $null
        $before = @(Get-AcmeAccount).Count
        New-AcmeAccount -Contact 'nokey@example.test' -AcceptTermsOfService -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeVaultKeyMissing'
        $ev[0].Exception.Message | Should -Match 'ACMEPS_VAULT_KEY'
        @(Get-AcmeAccount).Count | Should -Be $before
        Test-Path (Join-Path $script:Old 'protection.json') | Should -BeFalse
    }
}

Describe 'Export-AcmeVault and Import-AcmeVault' {
    It 'moves every order and key to another vault through an archive that holds no plaintext key' {
        $archive = Join-Path $TestDrive 'vault.acmepsvault'
        $pass = ConvertTo-SecureString 'archive passphrase' -AsPlainText -Force
        $file = Export-AcmeVault -Path $archive -Passphrase $pass -KdfCost 10
        $file.FullName | Should -Be $archive
        $text = Get-Content -Raw $archive
        $text | Should -Not -Match 'PRIVATE KEY'
        $text | Should -Not -Match 'BEGIN CERTIFICATE'
        Export-AcmeVault -Path $archive -Passphrase $pass -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeExportFileExists'

        $target = Join-Path $TestDrive 'imported'
        Import-AcmeVault -Path $archive -Passphrase (ConvertTo-SecureString 'wrong passphrase' -AsPlainText -Force) -VaultPath $target -ErrorVariable ev2 -ErrorAction SilentlyContinue
        Get-ErrorId $ev2 | Should -Be 'AcmeVaultKeyInvalid'
        Test-Path $target | Should -BeFalse

        $info = Import-AcmeVault -Path $archive -Passphrase $pass -VaultPath $target
        $info.UnencryptedSecretFiles | Should -Be 0
        $info.SecretFiles | Should -Be (Get-AcmeVault).SecretFiles
        $saved = $env:ACMEPS_VAULT
        try {
            $env:ACMEPS_VAULT = $target
            $certs = @(Get-AcmeCertificate | Sort-Object Name)
            $certs.Count | Should -BeGreaterThan 0
            $keyFile = Join-Path $TestDrive 'imported.key'
            $certs[0] | Export-AcmeCertificate -Path $keyFile -Format KeyPem
        }
        finally { $env:ACMEPS_VAULT = $saved }
        $originalKey = Join-Path $TestDrive 'original.key'
        Get-AcmeCertificate -Name $certs[0].Name | Export-AcmeCertificate -Path $originalKey -Format KeyPem
        Get-Content -Raw $keyFile | Should -Be (Get-Content -Raw $originalKey)
        Import-AcmeVault -Path $archive -Passphrase $pass -VaultPath $target -ErrorVariable ev3 -ErrorAction SilentlyContinue
        Get-ErrorId $ev3 | Should -Be 'AcmeVaultNotEmpty'
    }
}

Describe 'Remove-AcmeOrder and Remove-AcmeAccount' {
    It 'Remove-AcmeOrder -WhatIf keeps the order; -Force (piped from Get-AcmeOrder) removes its folder' {
        $name = New-UniqueName 'rm'
        $cert = New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
        $folder = Split-Path $cert.CertificatePath -Parent
        Remove-AcmeOrder -Name $name -WhatIf
        Test-Path $folder | Should -BeTrue
        Get-AcmeOrder -Name $name | Remove-AcmeOrder -Force
        Test-Path $folder | Should -BeFalse
        Get-AcmeOrder -Name $name -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeOrderNotFound'
        Remove-AcmeOrder -Name $name -Force -ErrorVariable ev2 -ErrorAction SilentlyContinue
        Get-ErrorId $ev2 | Should -Be 'AcmeOrderNotFound'
    }

    It 'Remove-AcmeAccount -Deactivate deactivates at the CA, then removes the account and its orders' {
        $account = New-AcmeAccount -Contact 'remove@example.test' -AcceptTermsOfService
        $null = New-AcmeCertificate -DnsName (New-UniqueName 'rma') -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
        $folder = Join-Path $script:Vault "servers/$($account.Server)/accounts/$($account.Id)"
        Remove-AcmeAccount -Account $account.Id -WhatIf
        Test-Path $folder | Should -BeTrue
        $removed = Get-AcmeAccount -Id $account.Id | Remove-AcmeAccount -Deactivate -Force
        $removed.Status | Should -Be 'deactivated'
        Test-Path $folder | Should -BeFalse
        @(Get-AcmeAccount).Id | Should -Not -Contain $account.Id
        (Get-AcmeServer | Where-Object IsDefault).DefaultAccount | Should -BeNullOrEmpty
    }
}
