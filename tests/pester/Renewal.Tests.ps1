# Order options, ARI (RFC 9773) and unattended renewal, against Pebble behind the test proxy, which adds what Pebble
# 2.4.0 lacks: renewalInfo (windows set per certificate), meta.profiles and the order's profile, alreadyReplaced.
# Pebble itself honours notAfter, so short lifetimes are real certificates. The proxy only echoes a profile: the
# profile is checked as sent, recorded and carried into renewals, not as a lifetime Pebble would apply.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Server = Start-AcmeTestServer
    $script:Proxy = Start-AcmeTestProxy -Server $script:Server
    Set-AcmeTestProxy -Proxy $script:Proxy -Ari -Profiles @{ classic = 'the default, 90 days'; shortlived = '160 hours' }
    $script:Vault = New-TestVault
    Set-AcmeServer -DirectoryUrl $script:Proxy.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
    $null = New-AcmeAccount -Contact 'renewal@example.test' -AcceptTermsOfService
    $script:Cts = @{ ManagementUrl = $script:Server.ChallTestSrvUrl }

    function New-TestCertificate([string]$Prefix, [hashtable]$More = @{}) {
        New-AcmeCertificate -DnsName (New-UniqueName $Prefix) -Plugin ChallTestSrv -PluginParameters $script:Cts @More
    }

    # The ARI id computed here with .NET, independently of the module's BouncyCastle code.
    function Get-TestCertificateId([string]$Path) {
        $cert = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -Raw $Path))
        $aki = [Security.Cryptography.X509Certificates.X509AuthorityKeyIdentifierExtension]::new([byte[]]$cert.Extensions['2.5.29.35'].RawData, $false)
        $b64 = { param([byte[]]$b) [Convert]::ToBase64String($b).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
        [byte[]]$serial = $cert.SerialNumberBytes.ToArray()
        if ($serial[0] -ge 0x80) { $serial = [byte[]](@(0) + $serial) }
        (& $b64 $aki.KeyIdentifier.ToArray()) + '.' + (& $b64 $serial)
    }

    function Get-LastNewOrder { (Get-AcmeTestNewOrder -Proxy $script:Proxy)[-1] }
}

AfterAll {
    if ($script:Proxy) { Stop-AcmeTestProxy -Proxy $script:Proxy }
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    Remove-TestVault $script:Vault
}

Describe 'Order options' {
    It 'refuses a profile the CA does not offer before anything is sent' {
        $before = @(Get-AcmeTestNewOrder -Proxy $script:Proxy).Count
        $name = New-UniqueName 'prof'
        New-AcmeOrder -DnsName $name -Profile nope -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeProfileUnknown'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $ev[0].Exception.Message | Should -Match 'classic' -Because 'the message names the profiles offered'
        @(Get-AcmeTestNewOrder -Proxy $script:Proxy).Count | Should -Be $before
        Get-AcmeOrder -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses -NotAfter before -NotBefore with AcmeOrderValidityInvalid' {
        New-AcmeOrder -DnsName (New-UniqueName 'nb') -NotBefore (Get-Date).AddDays(2) -NotAfter (Get-Date).AddDays(1) -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeOrderValidityInvalid'
    }

    It 'sends the profile and notAfter; Pebble issues until notAfter and the order keeps the profile' {
        $notAfter = [datetimeoffset]::UtcNow.AddDays(3)
        $cert = New-TestCertificate 'opt' @{ Profile = 'shortlived'; NotAfter = $notAfter.UtcDateTime }
        $sent = Get-LastNewOrder
        $sent.payload.profile | Should -Be 'shortlived'
        ([datetimeoffset]$sent.payload.notAfter - $notAfter).Duration().TotalSeconds | Should -BeLessThan 2
        ($cert.NotAfter - $notAfter).Duration().TotalSeconds | Should -BeLessThan 2
        (Get-AcmeOrder -Name $cert.Name).Profile | Should -Be 'shortlived'
        # renewed by hand (piped), the name keeps its profile
        $null = $cert | New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $script:Cts
        (Get-LastNewOrder).payload.profile | Should -Be 'shortlived'
    }

    It 'New-AcmeOrder -Replaces takes a certificate name and sends its ARI id' {
        $old = New-TestCertificate 'rep'
        $id = Get-TestCertificateId $old.CertificatePath
        $null = New-AcmeOrder -DnsName $old.DnsNames -Name $old.Name -Replaces $old.Name
        (Get-LastNewOrder).payload.replaces | Should -Be $id
        # a certificate object stands for its name (another certificate: the proxy now holds $old as replaced)
        $other = New-TestCertificate 'rep1'
        $null = New-AcmeOrder -DnsName (New-UniqueName 'rep1') -Replaces $other
        (Get-LastNewOrder).payload.replaces | Should -Be (Get-TestCertificateId $other.CertificatePath)
        # an ARI id is taken as it is
        $null = New-AcmeOrder -DnsName (New-UniqueName 'rep2') -Replaces 'AAEC.AwQ'
        (Get-LastNewOrder).payload.replaces | Should -Be 'AAEC.AwQ'
        New-AcmeOrder -DnsName (New-UniqueName 'rep3') -Replaces 'no-such-cert' -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeCertificateNotFound'
    }
}

Describe 'Get-AcmeRenewalInfo' {
    It 'gives the ARI id, the window from the CA and a renewal time in it' {
        $cert = New-TestCertificate 'ari'
        $info = $cert | Get-AcmeRenewalInfo
        $info.CertificateId | Should -Be (Get-TestCertificateId $cert.CertificatePath)
        $info.Source | Should -Be 'ARI'
        # the proxy's default window: 2/3 to 3/4 of the lifetime (Pebble's 5 years)
        $lifetime = $cert.NotAfter - $cert.NotBefore
        ($info.WindowStart - ($cert.NotBefore + $lifetime * 2 / 3)).Duration().TotalSeconds | Should -BeLessThan 2
        $info.RenewAt | Should -BeGreaterOrEqual $info.WindowStart
        $info.RenewAt | Should -BeLessOrEqual $info.WindowEnd
        $info.IsDue | Should -BeFalse
    }

    It 'keeps the chosen time while the window stays, and chooses again in a new window' {
        $cert = New-TestCertificate 'stable'
        $id = Get-TestCertificateId $cert.CertificatePath
        $now = [datetimeoffset]::UtcNow
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId $id -Start $now.AddDays(10) -End $now.AddDays(20) -RetryAfter 0
        $first = $cert | Get-AcmeRenewalInfo
        $second = $cert | Get-AcmeRenewalInfo
        $second.RenewAt | Should -Be $first.RenewAt
        $first.RenewAt | Should -BeGreaterOrEqual $now.AddDays(10).AddSeconds(-1)
        $first.RenewAt | Should -BeLessOrEqual $now.AddDays(20).AddSeconds(1)
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId $id -Start $now.AddDays(30) -End $now.AddDays(40) -RetryAfter 0
        $third = $cert | Get-AcmeRenewalInfo
        $third.WindowStart | Should -BeGreaterThan $first.WindowEnd
        $third.RenewAt | Should -BeGreaterOrEqual $third.WindowStart
        $third.RenewAt | Should -BeLessOrEqual $third.WindowEnd
    }

    It 'reports Retry-After and the explanation URL, and does not ask again before Retry-After' {
        $cert = New-TestCertificate 'retry'
        $id = Get-TestCertificateId $cert.CertificatePath
        $now = [datetimeoffset]::UtcNow
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId $id -Start $now.AddDays(1) -End $now.AddDays(2) -RetryAfter 3600 -ExplanationUrl 'https://ca.example.test/why'
        $info = Get-AcmeRenewalInfo -Name $cert.Name
        $info.RetryAfter.TotalSeconds | Should -Be 3600
        [string]$info.ExplanationUrl | Should -Be 'https://ca.example.test/why'
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId $id -Due
        (Get-AcmeRenewalInfo -Name $cert.Name).WindowStart | Should -Be $info.WindowStart -Because 'the CA said to ask again in an hour'
    }
}

Describe 'Without ARI: the lifetime rule' {
    BeforeAll {
        # Pebble itself, without the proxy, offers no renewalInfo.
        $script:OuterVault = $env:ACMEPS_VAULT
        $script:DirectVault = New-TestVault
        Set-AcmeServer -DirectoryUrl $script:Server.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
        $null = New-AcmeAccount -Contact 'direct@example.test' -AcceptTermsOfService
    }
    AfterAll {
        Remove-TestVault $script:DirectVault
        $env:ACMEPS_VAULT = $script:OuterVault
    }

    It 'is due at two thirds of a long lifetime' {
        $cert = New-TestCertificate 'life'
        $info = $cert | Get-AcmeRenewalInfo
        $info.Source | Should -Be 'Lifetime'
        $expected = $cert.NotBefore + ($cert.NotAfter - $cert.NotBefore) * 2 / 3
        ($info.RenewAt - $expected).Duration().TotalSeconds | Should -BeLessThan 1
        $info.IsDue | Should -BeFalse
    }

    It 'is due at half of a lifetime under 10 days, and a renewal asks for the same lifetime' {
        # 2 days: due after a day. Issued with notBefore two days back, it is due now.
        $cert = New-TestCertificate 'short' @{ NotBefore = (Get-Date).AddDays(-2); NotAfter = (Get-Date).AddHours(1) }
        $info = $cert | Get-AcmeRenewalInfo
        $expected = $cert.NotBefore + ($cert.NotAfter - $cert.NotBefore) / 2
        ($info.RenewAt - $expected).Duration().TotalSeconds | Should -BeLessThan 1
        $info.IsDue | Should -BeTrue
        $renewed = Submit-AcmeRenewal -Name $cert.Name
        $renewed.SerialNumber | Should -Not -Be $cert.SerialNumber
        # the requested lifetime (notAfter - notBefore) is asked for again, from now
        # (the request was 2 days back to 1 hour ahead: 49 hours)
        ($renewed.NotAfter - $renewed.NotBefore).TotalHours | Should -BeGreaterThan 48.9
        ($renewed.NotAfter - $renewed.NotBefore).TotalHours | Should -BeLessThan 49.1
    }
}

Describe 'Submit-AcmeRenewal' {
    It 'renews a certificate the CA says is due, sending replaces and keeping the profile' {
        $cert = New-TestCertificate 'due' @{ Profile = 'shortlived' }
        $id = Get-TestCertificateId $cert.CertificatePath
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId $id -Due
        $renewed = Submit-AcmeRenewal -Name $cert.Name
        @($renewed).Count | Should -Be 1
        $renewed.SerialNumber | Should -Not -Be $cert.SerialNumber
        $sent = Get-LastNewOrder
        $sent.payload.replaces | Should -Be $id
        $sent.payload.profile | Should -Be 'shortlived'
        $sent.status | Should -Be 201
        (Get-AcmeCertificate -Name $cert.Name).Thumbprint | Should -Be $renewed.Thumbprint
        (Get-AcmeOrder -Name $cert.Name).Profile | Should -Be 'shortlived'
        # the new certificate is not due: a second run renews nothing
        Submit-AcmeRenewal -Name $cert.Name | Should -BeNullOrEmpty
    }

    It 'renews nothing that is not due (and everything named with -Force)' {
        $cert = New-TestCertificate 'notdue'
        $before = @(Get-AcmeTestNewOrder -Proxy $script:Proxy).Count
        Submit-AcmeRenewal -Name $cert.Name | Should -BeNullOrEmpty
        @(Get-AcmeTestNewOrder -Proxy $script:Proxy).Count | Should -Be $before
        $forced = Submit-AcmeRenewal -Name $cert.Name -Force
        $forced.SerialNumber | Should -Not -Be $cert.SerialNumber
    }

    It 'renews a certificate once when two runs overlap' {
        $cert = New-TestCertificate 'overlap'
        $id = Get-TestCertificateId $cert.CertificatePath
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId $id -Due
        $module = (Get-Module AcmePS).Path -replace '\.dll$', '.psd1'
        $jobs = 1..2 | ForEach-Object {
            Start-ThreadJob -ArgumentList $module, $env:ACMEPS_VAULT, $cert.Name {
                param($Module, $Vault, $Name)
                $env:ACMEPS_VAULT = $Vault
                Import-Module $Module
                Submit-AcmeRenewal -Name $Name
            }
        }
        $renewed = @($jobs | Receive-Job -Wait -AutoRemoveJob -ErrorVariable ev)
        $ev | Should -BeNullOrEmpty
        $renewed.Count | Should -Be 1
        @(Get-AcmeTestNewOrder -Proxy $script:Proxy | Where-Object { $_.payload.replaces -eq $id }).Count | Should -Be 1
        (Get-AcmeCertificate -Name $cert.Name).SerialNumber | Should -Be $renewed[0].SerialNumber
    }

    It 'renews nothing with -WhatIf' {
        $cert = New-TestCertificate 'whatif'
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId (Get-TestCertificateId $cert.CertificatePath) -Due
        $before = @(Get-AcmeTestNewOrder -Proxy $script:Proxy).Count
        Submit-AcmeRenewal -Name $cert.Name -WhatIf | Should -BeNullOrEmpty
        @(Get-AcmeTestNewOrder -Proxy $script:Proxy).Count | Should -Be $before
        (Get-AcmeCertificate -Name $cert.Name).SerialNumber | Should -Be $cert.SerialNumber
    }

    It 'orders again without replaces once when the CA answers alreadyReplaced' {
        $cert = New-TestCertificate 'already'
        $id = Get-TestCertificateId $cert.CertificatePath
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId $id -Due
        Add-AcmeTestReplaced -Proxy $script:Proxy -CertificateId $id
        $renewed = Submit-AcmeRenewal -Name $cert.Name -ErrorVariable ev
        $ev | Should -BeNullOrEmpty
        $renewed.SerialNumber | Should -Not -Be $cert.SerialNumber
        $last = (Get-AcmeTestNewOrder -Proxy $script:Proxy)[-2, -1]
        $last[0].payload.replaces | Should -Be $id
        $last[0].status | Should -Be 409
        $last[1].payload.PSObject.Properties['replaces'] | Should -BeNullOrEmpty
        $last[1].status | Should -Be 201
    }

    It 'reports a certificate with no recorded plugin as AcmeRenewalPluginUnknown, renews the others, and leaves $? false' {
        $manual = New-TestCertificate 'manual'
        Remove-Item (Join-Path (Split-Path $manual.CertificatePath) 'plugin.json')
        $other = New-TestCertificate 'other'
        foreach ($c in $manual, $other) { Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId (Get-TestCertificateId $c.CertificatePath) -Due }
        $renewed = Submit-AcmeRenewal -Name $manual.Name, $other.Name -ErrorVariable ev -ErrorAction SilentlyContinue
        $ok = $?
        $ok | Should -BeFalse
        Get-ErrorId $ev | Should -Be 'AcmeRenewalPluginUnknown'
        $ev[0].TargetObject | Should -Be $manual.Name
        @($renewed).Name | Should -Be @($other.Name)
    }
}

Describe 'Submit-AcmeRenewal -All' {
    BeforeAll {
        $script:OuterVault = $env:ACMEPS_VAULT
        $script:AllVault = New-TestVault
        Set-AcmeServer -DirectoryUrl $script:Proxy.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
        $null = New-AcmeAccount -Contact 'all@example.test' -AcceptTermsOfService
    }
    AfterAll {
        Remove-TestVault $script:AllVault
        $env:ACMEPS_VAULT = $script:OuterVault
    }

    It 'renews exactly the 5 of 20 certificates that are due, and only writes those' {
        $names = 1..20 | ForEach-Object { New-UniqueName "all$_" }
        $certs = @($names | ForEach-Object { [pscustomobject]@{ DnsName = $_ } } |
            New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $script:Cts -ThrottleLimit 4)
        $certs.Count | Should -Be 20
        $due = $certs | Get-Random -Count 5
        foreach ($c in $due) { Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId (Get-TestCertificateId $c.CertificatePath) -Due }
        $renewed = @(Submit-AcmeRenewal -All -ThrottleLimit 4 -ErrorVariable ev)
        $ev | Should -BeNullOrEmpty
        ($renewed.Name | Sort-Object) | Should -Be ($due.Name | Sort-Object)
        $after = @{}; Get-AcmeCertificate | ForEach-Object { $after[$_.Name] = $_.SerialNumber }
        foreach ($c in $certs) {
            if ($c.Name -in $due.Name) { $after[$c.Name] | Should -Not -Be $c.SerialNumber }
            else { $after[$c.Name] | Should -Be $c.SerialNumber }
        }
    }

    It 'fails as a process (exit status 1) when a renewal failed, without prompting' {
        $cert = New-AcmeCertificate -DnsName (New-UniqueName 'exit') -Plugin ChallTestSrv -PluginParameters $script:Cts
        Set-AcmeTestRenewalWindow -Proxy $script:Proxy -CertificateId (Get-TestCertificateId $cert.CertificatePath) -Due
        Add-AcmeTestProblem -Proxy $script:Proxy -PathContains '/order-plz' -Type rateLimited -Status 429 -RetryAfter 3600
        $module = (Get-Module AcmePS).Path -replace '\.dll$', '.psd1'
        $output = & dotnet pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; Submit-AcmeRenewal -All" 2>&1
        $LASTEXITCODE | Should -Be 1 -Because ($output -join "`n")
        ($output -join "`n") | Should -Match 'AcmeRateLimited|rateLimited'
        (Get-AcmeCertificate -Name $cert.Name).SerialNumber | Should -Be $cert.SerialNumber
    }
}
