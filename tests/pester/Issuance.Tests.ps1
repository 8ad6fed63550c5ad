# End to end against a real Pebble + pebble-challtestsrv: the main job, through the cmdlets.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Server = $script:Env.Server
    $script:Vault = $script:Env.Vault
    $script:Account = $script:Env.Account
    $script:Roots = Get-AcmeTestRoot -Server $script:Server
    $script:Cts = @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
}

AfterAll {
    Stop-TestEnvironment $script:Env
}

Describe 'Accounts' {
    It 'creates the account, makes it the default and keeps its key private' {
        $script:Account.Status | Should -Be 'valid'
        $script:Account.Url.AbsoluteUri | Should -BeLike "$($script:Server.DirectoryUrl -replace '/dir$','')/*"
        $script:Account.Contact | Should -Be @('mailto:test@example.test')
        $listed = @(Get-AcmeAccount)
        $listed.Count | Should -Be 1
        $listed[0].IsDefault | Should -BeTrue
        (Get-AcmeServer -Default).DefaultAccount | Should -Be $script:Account.Id
        $key = Get-ChildItem $script:Vault -Recurse -Filter account.key
        $key | Should -HaveCount 1
        (Get-Content -Raw $key.FullName) | Should -BeLike 'ACMEPS-VAULT-ENCRYPTED *' -Because 'keys are encrypted at rest'
        Read-VaultSecret $key.FullName.Substring($script:Vault.Length) | Should -Match 'BEGIN PRIVATE KEY'
        if ($IsLinux) { $key.UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
    }
}

Describe 'dns-01 through the pipeline' {
    BeforeAll {
        $script:Name = New-UniqueName 'dns'
        $script:Cert = New-AcmeOrder -DnsName $script:Name, "*.$script:Name" |
            Get-AcmeChallenge -Type dns-01 |
            Publish-AcmeChallTestSrvChallenge @script:Cts |
            Submit-AcmeChallenge |
            Complete-AcmeOrder
    }

    It 'issues one certificate for the name and its wildcard' {
        $script:Cert | Should -HaveCount 1
        $script:Cert.Name | Should -Be $script:Name
        $script:Cert.DnsNames | Sort-Object | Should -Be (@($script:Name, "*.$script:Name") | Sort-Object)
        $x509 = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($script:Cert.CertificatePath, (Export-TestKey $script:Cert))
        $x509.HasPrivateKey | Should -BeTrue
        $x509.Thumbprint | Should -Be $script:Cert.Thumbprint
        $x509.Subject | Should -Be "CN=$script:Name"
        $script:Cert.NotAfter | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
    }

    It 'completing the order again keeps the certificate''s key' {
        $again = Get-AcmeOrder -Name $script:Name | Complete-AcmeOrder
        $again.Thumbprint | Should -Be $script:Cert.Thumbprint
        $again.KeyPath | Should -Not -BeNullOrEmpty
        $x509 = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($again.CertificatePath, (Export-TestKey $again))
        $x509.HasPrivateKey | Should -BeTrue
    }

    It 'stores the order as valid and lists the certificate' {
        $order = Get-AcmeOrder -Name $script:Name
        $order.Status | Should -Be 'valid'
        $order.CertificateThumbprint | Should -Be $script:Cert.Thumbprint
        (Get-AcmeOrder -Name $script:Name -Refresh).Status | Should -Be 'valid'
        (Get-AcmeCertificate -Name $script:Name).SerialNumber | Should -Be $script:Cert.SerialNumber
    }

    It 'writes challenge objects with the dns-01 record to publish' {
        $name = New-UniqueName 'ch'
        $challenges = @(New-AcmeOrder -DnsName $name, "*.$name" | Get-AcmeChallenge -Type dns-01)
        $challenges | Should -HaveCount 2
        foreach ($c in $challenges) {
            $c.Type | Should -Be 'dns-01'
            $c.Status | Should -Be 'pending'
            $c.RecordName | Should -Be "_acme-challenge.$name"
            $c.KeyAuthorization | Should -BeLike "$($c.Token).*"
            $sha = [Security.Cryptography.SHA256]::HashData([Text.Encoding]::ASCII.GetBytes($c.KeyAuthorization))
            $c.RecordValue | Should -Be ([Convert]::ToBase64String($sha).TrimEnd('=').Replace('+', '-').Replace('/', '_'))
            $c.HttpPath | Should -BeNullOrEmpty   # http-01 fields only on http-01 challenges
            $c.OrderName | Should -Be $name
        }
        $challenges.Identifier | Sort-Object | Should -Be (@($name, "*.$name") | Sort-Object)
    }
}

Describe 'http-01' {
    It 'issues a certificate validated over HTTP' {
        $name = New-UniqueName 'http'
        $challenge = New-AcmeOrder -DnsName $name | Get-AcmeChallenge -Type http-01
        $challenge.HttpPath | Should -Be "/.well-known/acme-challenge/$($challenge.Token)"
        $challenge.HttpContent | Should -Be $challenge.KeyAuthorization
        $challenge.RecordName | Should -BeNullOrEmpty
        $cert = $challenge |
            Publish-AcmeChallTestSrvChallenge @script:Cts |
            Submit-AcmeChallenge |
            Complete-AcmeOrder -KeyType rsa2048
        $cert.DnsNames | Should -Be @($name)
        $x509 = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($cert.CertificatePath, (Export-TestKey $cert))
        [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPublicKey($x509).ExportParameters($false).Modulus.Length * 8 | Should -Be 2048
        # Pebble asked challtestsrv for the token over HTTP.
        $history = Invoke-RestMethod -Method Post -Uri "$($script:Server.ChallTestSrvUrl)/http-request-history" -Body (@{ host = $name } | ConvertTo-Json)
        @($history).Count | Should -BeGreaterThan 0
    }
}

Describe 'The one-liner' {
    It 'New-AcmeCertificate orders, validates through the plugin and completes' {
        $name = New-UniqueName 'one'
        $cert = New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts -KeyType ec384
        $cert.Name | Should -Be $name
        $cert.DnsNames | Should -Be @($name)
        (Get-AcmeOrder -Name $name).KeyType | Should -Be 'ec384'
        # The plugin and its parameters are recorded on the order for renewals.
        $file = Get-ChildItem $env:ACMEPS_VAULT -Recurse -Filter plugin.json | Where-Object { $_.Directory.Name -eq $name }
        Get-Content $file.FullName -Raw | Should -BeLike 'ACMEPS-VAULT-ENCRYPTED *' -Because 'plugin parameters are secrets: encrypted at rest'
        $recorded = Read-VaultSecret $file.FullName.Substring($env:ACMEPS_VAULT.Length) | ConvertFrom-Json
        $recorded.plugin | Should -Be 'ChallTestSrv'
        $recorded.challengeType | Should -Be 'dns-01'
        @($recorded.parameters.PSObject.Properties.Name | Sort-Object) | Should -Be @($script:Cts.Keys | Sort-Object)
    }

    It '-ReuseKey keeps the certificate''s key for the new certificate and its renewals, until -ReuseKey:$false' {
        function Get-PublicKey($Certificate) {
            $x509 = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -Raw $Certificate.CertificatePath))
            [Convert]::ToBase64String($x509.PublicKey.EncodedKeyValue.RawData)
        }
        $name = New-UniqueName 'reuse'
        $first = New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts
        $firstKey = Get-PublicKey $first   # its files go once a new certificate replaces it
        $kept = New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts -ReuseKey
        $kept.SerialNumber | Should -Not -Be $first.SerialNumber
        Get-PublicKey $kept | Should -Be $firstKey
        # recorded on the order: a renewal without the switch keeps the key too
        $renewed = Get-AcmeCertificate -Name $name | New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $script:Cts
        Get-PublicKey $renewed | Should -Be $firstKey
        $fresh = New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts -ReuseKey:$false
        Get-PublicKey $fresh | Should -Not -Be $firstKey
        # and the key that is exported is the certificate's
        $pfx = Join-Path $TestDrive 'reuse.pfx'
        $fresh | Export-AcmeCertificate -Path $pfx -Password (ConvertTo-SecureString 'p' -AsPlainText -Force)
        [Security.Cryptography.X509Certificates.X509Certificate2]::new($pfx, 'p').HasPrivateKey | Should -BeTrue
        # a key from the vault and a CSR of the user's own do not go together
        Complete-AcmeOrder -Name $name -ReuseKey -CsrPath (Join-Path $TestDrive 'none.csr') -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeReuseKeyConflict'
    }

    It 'creates the account first when the vault has none and -AcceptTermsOfService is given' {
        $before = $env:ACMEPS_VAULT
        $fresh = New-TestVault
        try {
            Set-AcmeServer $script:Server.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
            $name = New-UniqueName 'acct'
            $cert = New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts -AcceptTermsOfService -Contact 'new@example.test'
            $cert.DnsNames | Should -Be @($name)
            @(Get-AcmeAccount).Contact | Should -Be @('mailto:new@example.test')
        }
        finally { Remove-TestVault $fresh; $env:ACMEPS_VAULT = $before }
    }

    It 'renews a certificate piped from Get-AcmeCertificate (DnsNames binds to -DnsName)' {
        $name = New-UniqueName 'renew'
        $first = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin ChallTestSrv -PluginParameters $script:Cts
        $second = Get-AcmeCertificate -Name $name | New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $script:Cts
        $second.Name | Should -Be $name
        $second.SerialNumber | Should -Not -Be $first.SerialNumber
        $second.DnsNames | Sort-Object | Should -Be ($first.DnsNames | Sort-Object)
        (Get-AcmeCertificate -Name $name).Thumbprint | Should -Be $second.Thumbprint
        # the replaced certificate object no longer stands for what the vault holds: revoking it is refused
        $first | Revoke-AcmeCertificate -Force -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeCertificateSuperseded'
        (Get-AcmeTestCertStatus -Server $script:Server -Serial $second.SerialNumber).Status | Should -Be 'Valid'
    }

    It 'finds a wildcard certificate by its own name, not every name the * would match' {
        $n = New-UniqueName 'wn'
        $wild = New-AcmeCertificate -DnsName "*.$n" -Plugin ChallTestSrv -PluginParameters $script:Cts
        $null = New-AcmeCertificate -DnsName "www.$n" -Plugin ChallTestSrv -PluginParameters $script:Cts
        $found = @(Get-AcmeCertificate -Name "*.$n")
        $found | Should -HaveCount 1
        $found[0].Thumbprint | Should -Be $wild.Thumbprint
        @(Get-AcmeCertificate -Name "*$n") | Should -HaveCount 2   # a pattern that is no certificate's name still matches
    }

    It 'takes a CSV of sites, several names in one cell' {
        $a = New-UniqueName 'csv'; $b = New-UniqueName 'csv'
        $csv = @"
Name,DnsName,Plugin
site-a,"$a; www.$a",ChallTestSrv
site-b,$b,ChallTestSrv
"@
        $certs = @($csv | ConvertFrom-Csv | New-AcmeCertificate -PluginParameters $script:Cts)
        $certs.Name | Should -Be @('site-a', 'site-b')
        $certs[0].DnsNames | Sort-Object | Should -Be (@($a, "www.$a") | Sort-Object)
        $certs[1].DnsNames | Should -Be @($b)
    }

    It 'takes requests from the pipeline by property name' {
        $names = 1..2 | ForEach-Object { New-UniqueName "pipe$_" }
        $certs = @($names | ForEach-Object { [pscustomobject]@{ DnsName = $_; Plugin = 'ChallTestSrv'; PluginParameters = $script:Cts } } | New-AcmeCertificate)
        $certs.Name | Should -Be $names
    }
}

Describe 'Exports' {
    BeforeAll {
        $script:ExportName = New-UniqueName 'exp'
        $script:Exported = New-AcmeCertificate -DnsName $script:ExportName -Plugin ChallTestSrv -PluginParameters $script:Cts
        $script:Dir = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-export-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $script:Dir
        $script:RootCert = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($script:Roots.Root)
        $script:IntermediateCert = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($script:Roots.Intermediate)

        function Test-PebbleChain([Security.Cryptography.X509Certificates.X509Certificate2]$Leaf, $Extra) {
            $chain = [Security.Cryptography.X509Certificates.X509Chain]::new()
            $chain.ChainPolicy.TrustMode = 'CustomRootTrust'
            $chain.ChainPolicy.RevocationMode = 'NoCheck'
            $null = $chain.ChainPolicy.CustomTrustStore.Add($script:RootCert)
            foreach ($e in $Extra) { $null = $chain.ChainPolicy.ExtraStore.Add($e) }
            $ok = $chain.Build($Leaf)
            [pscustomobject]@{ Ok = $ok; Length = $chain.ChainElements.Count; Status = ($chain.ChainStatus.Status -join ',') }
        }
    }
    AfterAll { Remove-Item $script:Dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'exports a password-protected PFX that loads with its key and a chain that verifies against Pebble''s root' {
        $path = Join-Path $script:Dir 'site.pfx'
        $password = ConvertTo-SecureString 'correct horse' -AsPlainText -Force
        $script:Exported | Export-AcmeCertificate -Path $path -Password $password
        $collection = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $collection.Import($path, 'correct horse', 'Exportable')
        $leaf = @($collection | Where-Object HasPrivateKey)
        $leaf | Should -HaveCount 1
        $leaf[0].Thumbprint | Should -Be $script:Exported.Thumbprint
        $collection.Count | Should -BeGreaterOrEqual 2
        $result = Test-PebbleChain $leaf[0] @($collection | Where-Object { -not $_.HasPrivateKey })
        $result.Ok | Should -BeTrue -Because $result.Status
        { $c2 = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new(); $c2.Import($path, 'wrong', 'DefaultKeySet') } | Should -Throw
        if ($IsLinux) { (Get-Item $path).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
    }

    It 'exports the full chain PEM, the certificate PEM and the key PEM' {
        $full = Join-Path $script:Dir 'full.pem'; $leafPath = Join-Path $script:Dir 'cert.pem'; $keyPath = Join-Path $script:Dir 'cert.key'
        $script:Exported | Export-AcmeCertificate -Path $full -Format FullChainPem
        $script:Exported | Export-AcmeCertificate -Path $leafPath -Format Pem
        Export-AcmeCertificate -Name $script:ExportName -Path $keyPath   # .key -> KeyPem
        $chainPems = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $chainPems.ImportFromPemFile($full)
        $chainPems.Count | Should -BeGreaterOrEqual 2
        $chainPems[0].Thumbprint | Should -Be $script:Exported.Thumbprint
        ([regex]::Matches((Get-Content -Raw $leafPath), 'BEGIN CERTIFICATE')).Count | Should -Be 1
        $withKey = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($leafPath, $keyPath)
        $withKey.HasPrivateKey | Should -BeTrue
        $result = Test-PebbleChain $chainPems[0] @($chainPems | Select-Object -Skip 1)
        $result.Ok | Should -BeTrue -Because $result.Status
        # the intermediate Pebble serves is the one in the chain
        ($chainPems | Select-Object -Skip 1).Thumbprint | Should -Contain $script:IntermediateCert.Thumbprint
    }

    It 'writes a PFX that OpenSSL 3 reads without -legacy, and a legacy 3DES PFX on request' {
        $modern = Join-Path $script:Dir 'modern.pfx'; $legacy = Join-Path $script:Dir 'legacy.pfx'
        $password = ConvertTo-SecureString 'pw' -AsPlainText -Force
        $script:Exported | Export-AcmeCertificate -Path $modern -Password $password
        $script:Exported | Export-AcmeCertificate -Path $legacy -Password $password -LegacyPfxEncryption
        $info = & openssl pkcs12 -in $modern -passin pass:pw -info -noout 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($info -join "`n")
        ($info -join "`n") | Should -Match 'AES-256-CBC'
        $legacyInfo = & openssl pkcs12 -in $legacy -passin pass:pw -info -noout -legacy 2>&1
        ($legacyInfo -join "`n") | Should -Match 'TripleDES'
        $c = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new(); $c.Import($legacy, 'pw', 'DefaultKeySet')
        ($c | Where-Object HasPrivateKey).Thumbprint | Should -Be $script:Exported.Thumbprint
    }

    It 'warns when a PFX has no password' {
        $path = Join-Path $script:Dir 'nopw.pfx'
        $script:Exported | Export-AcmeCertificate -Path $path -WarningVariable wv -WarningAction SilentlyContinue
        $wv | Should -HaveCount 1
        "$wv" | Should -Match 'not protected by a password'
        Test-Path $path | Should -BeTrue
    }

    It 'asks for -Format when the extension says nothing, and writes nothing' {
        $path = Join-Path $script:Dir 'cert.txt'
        $script:Exported | Export-AcmeCertificate -Path $path -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeExportFormatUnknown'
        Test-Path $path | Should -BeFalse
        $script:Exported | Export-AcmeCertificate -Path $path -Format Pem
        (Get-Content -Raw $path) | Should -Match 'BEGIN CERTIFICATE'
    }

    It 'reports a path it cannot write as AcmeExportFailed, and -PassThru gives the file' {
        $blocker = Join-Path $script:Dir 'a-file'
        Set-Content $blocker 'x'
        $script:Exported | Export-AcmeCertificate -Path (Join-Path $blocker 'x.pem') -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeExportFailed'
        $file = $script:Exported | Export-AcmeCertificate -Path (Join-Path $script:Dir 'pt.pem') -PassThru
        $file | Should -BeOfType [IO.FileInfo]
        $file.Length | Should -BeGreaterThan 500
    }

    It 'finds a certificate by -Name in an explicit -Server and -Account' {
        $path = Join-Path $script:Dir 'byname.pem'
        Export-AcmeCertificate -Name $script:ExportName -Server $script:Exported.Server -Account $script:Exported.AccountId -Path $path
        Test-Path $path | Should -BeTrue
        Export-AcmeCertificate -Name $script:ExportName -Account 'no-such-account' -Path $path -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeAccountNotFound'
    }

    It 'refuses to overwrite with -NoClobber and leaves the file as it was' {
        $path = Join-Path $script:Dir 'keep.pem'
        Set-Content -Path $path -Value 'original'
        $script:Exported | Export-AcmeCertificate -Path $path -NoClobber -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeExportFileExists'
        (Get-Content -Raw $path).Trim() | Should -Be 'original'
    }
}

Describe 'Revocation' {
    It 'revokes with a reason, confirmed by Pebble' {
        $name = New-UniqueName 'rev'
        $cert = New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts
        (Get-AcmeTestCertStatus -Server $script:Server -Serial $cert.SerialNumber).Status | Should -Be 'Valid'
        $cert | Revoke-AcmeCertificate -Reason KeyCompromise -WhatIf
        (Get-AcmeTestCertStatus -Server $script:Server -Serial $cert.SerialNumber).Status | Should -Be 'Valid'
        $cert | Revoke-AcmeCertificate -Reason KeyCompromise -Force
        $status = Get-AcmeTestCertStatus -Server $script:Server -Serial $cert.SerialNumber
        $status.Status | Should -Be 'Revoked'
        $status.Reason | Should -Be 1
        (Get-AcmeCertificate -Name $name).Revoked | Should -Not -BeNullOrEmpty
    }

    It 'revokes a certificate given as files, signed by its own key, and refuses a key that is not its own' {
        $name = New-UniqueName 'revkey'
        $cert = New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts
        $dir = Join-Path $script:Env.Server.WorkDir "revkey-$name"; $null = New-Item -ItemType Directory $dir
        $cert | Export-AcmeCertificate -Path (Join-Path $dir 'cert.pem') -Format Pem
        $cert | Export-AcmeCertificate -Path (Join-Path $dir 'cert.key')
        $other = New-AcmeCertificate -DnsName (New-UniqueName 'other') -Plugin ChallTestSrv -PluginParameters $script:Cts
        $other | Export-AcmeCertificate -Path (Join-Path $dir 'other.key')

        Revoke-AcmeCertificate -CertificatePath (Join-Path $dir 'cert.pem') -KeyPath (Join-Path $dir 'other.key') -Force -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeCertificateKeyMismatch'
        (Get-AcmeTestCertStatus -Server $script:Server -Serial $cert.SerialNumber).Status | Should -Be 'Valid'

        Revoke-AcmeCertificate -CertificatePath (Join-Path $dir 'cert.pem') -KeyPath (Join-Path $dir 'cert.key') -Reason KeyCompromise -Force
        $status = Get-AcmeTestCertStatus -Server $script:Server -Serial $cert.SerialNumber
        $status.Status | Should -Be 'Revoked'
        $status.Reason | Should -Be 1
    }
}
