# The error table: each condition a user can meet, the ErrorId and category it gets, and what the exception keeps of
# the CA's problem document. CA-side conditions Pebble cannot produce are injected by the test proxy in front of it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Server = Start-AcmeTestServer
    $script:Proxy = Start-AcmeTestProxy -Server $script:Server
    $script:Vault = New-TestVault
    Set-AcmeServer -DirectoryUrl $script:Proxy.DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
    $null = New-AcmeAccount -Contact 'errors@example.test' -AcceptTermsOfService
    $script:Cts = @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
}

AfterAll {
    if ($script:Proxy) { Stop-AcmeTestProxy -Proxy $script:Proxy }
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    Remove-TestVault $script:Vault
}

Describe 'Problems the CA answers with' {
    It '<Type> from <Path> (HTTP <Status>) becomes <ErrorId> (<Category>)' -ForEach @(
        @{ Path = '/order-plz'; Status = 429; Type = 'rateLimited'; ErrorId = 'AcmeRateLimited'; Category = 'LimitsExceeded'; RetryAfter = 3600 }
        @{ Path = '/order-plz'; Status = 400; Type = 'rejectedIdentifier'; ErrorId = 'AcmeRejectedIdentifier'; Category = 'InvalidArgument' }
        @{ Path = '/order-plz'; Status = 403; Type = 'unauthorized'; ErrorId = 'AcmeUnauthorized'; Category = 'PermissionDenied' }
        @{ Path = '/order-plz'; Status = 403; Type = 'userActionRequired'; ErrorId = 'AcmeUserActionRequired'; Category = 'PermissionDenied' }
        @{ Path = '/order-plz'; Status = 400; Type = 'invalidProfile'; ErrorId = 'AcmeInvalidProfile'; Category = 'InvalidArgument' }
        @{ Path = '/order-plz'; Status = 400; Type = 'malformed'; ErrorId = 'AcmeMalformed'; Category = 'InvalidArgument' }
        @{ Path = '/order-plz'; Status = 409; Type = 'alreadyReplaced'; ErrorId = 'AcmeAlreadyReplaced'; Category = 'InvalidOperation' }
        @{ Path = '/finalize-order'; Status = 400; Type = 'badCSR'; ErrorId = 'AcmeBadCSR'; Category = 'InvalidArgument' }
        @{ Path = '/chalZ'; Status = 400; Type = 'caa'; ErrorId = 'AcmeCaa'; Category = 'PermissionDenied' }
        @{ Path = '/revoke-cert'; Status = 400; Type = 'alreadyRevoked'; ErrorId = 'AcmeAlreadyRevoked'; Category = 'InvalidOperation' }
    ) {
        $name = New-UniqueName 'err'
        $subproblems = @(@{ type = "urn:ietf:params:acme:error:$Type"; detail = "not for $name"; identifier = @{ type = 'dns'; value = $name } })
        $inject = @{ Proxy = $script:Proxy; PathContains = $Path; Type = $Type; Status = $Status; Detail = "the CA says no ($Type)"; Subproblems = $subproblems }
        if ($RetryAfter) { $inject.RetryAfter = $RetryAfter }
        if ($Path -eq '/revoke-cert') {
            # Revoked once for real; the vault knows it, so the CA's alreadyRevoked on a second request is an error.
            # (The first time, alreadyRevoked means an earlier answer was lost: it is recorded as done. See below.)
            $cert = New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts
            $cert | Revoke-AcmeCertificate -Force
            Add-AcmeTestProblem @inject
            $cert | Revoke-AcmeCertificate -Force -ErrorVariable ev -ErrorAction SilentlyContinue
        }
        else {
            Add-AcmeTestProblem @inject
            New-AcmeCertificate -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        $record = @($ev | Where-Object { $_.FullyQualifiedErrorId -like "$ErrorId,*" })[0]
        $record | Should -Not -BeNullOrEmpty -Because "got: $((Get-ErrorId $ev) -join ', ')"
        $record.CategoryInfo.Category | Should -Be $Category
        $problem = $record.Exception.Problem
        $problem.Type | Should -Be "urn:ietf:params:acme:error:$Type"
        $problem.Detail | Should -Be "the CA says no ($Type)"
        $record.Exception.HttpStatus | Should -Be $Status
        $problem.Subproblems[0].Identifier.Value | Should -Be $name
        $record.Exception.Message | Should -Match ([regex]::Escape("the CA says no ($Type)"))
        $record.Exception.Message | Should -Match ([regex]::Escape("${name}: not for $name"))
        if ($RetryAfter) { $record.Exception.RetryAfter.TotalSeconds | Should -Be $RetryAfter; $record.Exception.Message | Should -Match "Retry after $RetryAfter s" }
    }

    It 'records a revocation whose answer was lost (alreadyRevoked on the first request the vault knows of) as done' {
        $cert = New-AcmeCertificate -DnsName (New-UniqueName 'lost') -Plugin ChallTestSrv -PluginParameters $script:Cts
        Add-AcmeTestProblem -Proxy $script:Proxy -PathContains '/revoke-cert' -Type alreadyRevoked -Status 400
        $cert | Revoke-AcmeCertificate -Force -ErrorVariable ev
        $ev | Should -BeNullOrEmpty
        (Get-AcmeCertificate -Name $cert.Name).Revoked | Should -Not -BeNullOrEmpty
    }

    It 'retries a 503 and succeeds when the CA recovers' {
        Add-AcmeTestProblem -Proxy $script:Proxy -PathContains '/order-plz' -Type serverInternal -Status 503 -RetryAfter 1 -Times 2
        $cert = New-AcmeCertificate -DnsName (New-UniqueName 'rec') -Plugin ChallTestSrv -PluginParameters $script:Cts
        $cert.Thumbprint | Should -Match '^[0-9A-F]{40}$'
    }

    It 'retries a badNonce without a fresh nonce in the answer, with a nonce of its own' {
        Add-AcmeTestProblem -Proxy $script:Proxy -PathContains '/order-plz' -Type badNonce -Status 400 -Times 2
        $cert = New-AcmeCertificate -DnsName (New-UniqueName 'nonce') -Plugin ChallTestSrv -PluginParameters $script:Cts
        $cert.Thumbprint | Should -Match '^[0-9A-F]{40}$'
    }

    It 'gives up on a server that keeps failing, with AcmeServerInternal' {
        # as many failures as the client makes attempts (RetryPolicy.TransientAttempts), so none is left over
        Add-AcmeTestProblem -Proxy $script:Proxy -PathContains '/order-plz' -Type serverInternal -Status 500 -Times 6
        New-AcmeCertificate -DnsName (New-UniqueName 'down') -Plugin ChallTestSrv -PluginParameters $script:Cts -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Be 'AcmeServerInternal'
        $ev[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'Conditions on this side' {
    It '<Case> gives <ErrorId> (<Category>)' -ForEach @(
        @{ Case = 'an order that is not in the vault'; ErrorId = 'AcmeOrderNotFound'; Category = 'ObjectNotFound'; Run = { Get-AcmeOrder -Name 'no-such-order.example.test' } }
        @{ Case = 'a certificate that is not in the vault'; ErrorId = 'AcmeCertificateNotFound'; Category = 'ObjectNotFound'; Run = { Get-AcmeCertificate -Name 'no-such-cert.example.test' } }
        @{ Case = 'an account that is not in the vault'; ErrorId = 'AcmeAccountNotFound'; Category = 'ObjectNotFound'; Run = { Get-AcmeAccount -Id 'nobody' } }
        @{ Case = 'a server that is not in the vault'; ErrorId = 'AcmeServerNotFound'; Category = 'ObjectNotFound'; Run = { Get-AcmeServer -Name 'NoSuchServer' } }
        @{ Case = 'an invalid DNS name'; ErrorId = 'AcmeDnsNameInvalid'; Category = 'InvalidArgument'; Run = { New-AcmeOrder -DnsName 'a..b.example.test' } }
        @{ Case = 'an unknown plugin'; ErrorId = 'AcmePluginNotFound'; Category = 'ObjectNotFound'; Run = { New-AcmeCertificate -DnsName 'x.example.test' -Plugin Nope } }
        @{ Case = 'an unknown CA name'; ErrorId = 'AcmeServerInvalid'; Category = 'InvalidArgument'; Run = { Set-AcmeServer 'NoSuchCA' } }
        @{ Case = 'an export with no format'; ErrorId = 'AcmeExportFormatUnknown'; Category = 'InvalidArgument'; Run = { Export-AcmeCertificate -Name x -Path 'x.bin' } }
        @{ Case = 'a web root that does not exist'; ErrorId = 'AcmeWebRootNotFound'; Category = 'ObjectNotFound'; Run = { [AcmePS.Models.AcmeChallenge]@{ Identifier = 'w.example.test'; Type = 'http-01'; Token = 'tok'; HttpContent = 'tok.x'; Status = 'pending' } | Publish-AcmeWebRootChallenge -Path '/no/such/web/root' } }
        @{ Case = 'a SelfHost address that is not an IP address'; ErrorId = 'AcmeSelfHostAddressInvalid'; Category = 'InvalidArgument'; Run = { [AcmePS.Models.AcmeChallenge]@{ Identifier = 's.example.test'; Type = 'http-01'; Token = 'tok'; HttpContent = 'tok.x'; Status = 'pending' } | Publish-AcmeSelfHostChallenge -Address 'not-an-ip' } }
        @{ Case = 'a Posh-ACME plugin file that does not exist'; ErrorId = 'AcmePoshAcmePluginNotFound'; Category = 'ObjectNotFound'; Run = { [AcmePS.Models.AcmeChallenge]@{ Identifier = 'p.example.test'; Type = 'dns-01'; Status = 'pending' } | Publish-AcmePoshAcmeChallenge -PluginPath './no-such-plugin.ps1' } }
        @{ Case = 'a profile the CA does not offer'; ErrorId = 'AcmeProfileUnknown'; Category = 'InvalidArgument'; Run = { New-AcmeOrder -DnsName 'p.example.test' -Profile 'shortlived' } }
        @{ Case = 'renewal info of a certificate not in the vault'; ErrorId = 'AcmeCertificateNotFound'; Category = 'ObjectNotFound'; Run = { Get-AcmeRenewalInfo -Name 'no-such-cert.example.test' } }
        @{ Case = 'renewing a certificate not in the vault'; ErrorId = 'AcmeCertificateNotFound'; Category = 'ObjectNotFound'; Run = { Submit-AcmeRenewal -Name 'no-such-cert.example.test' } }
        @{ Case = 'a vault archive that does not exist'; ErrorId = 'AcmeVaultArchiveNotFound'; Category = 'ObjectNotFound'; Run = { Import-AcmeVault -Path 'no-such-archive.acmepsvault' -Passphrase (ConvertTo-SecureString 'archive passphrase' -AsPlainText -Force) } }
        @{ Case = 'removing an order that is not in the vault'; ErrorId = 'AcmeOrderNotFound'; Category = 'ObjectNotFound'; Run = { Remove-AcmeOrder -Name 'no-such-order.example.test' -Force } }
    ) {
        $ev = @(& { $ErrorActionPreference = 'Continue'; & $Run } 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        Get-ErrorId $ev | Should -Be $ErrorId
        $ev[0].CategoryInfo.Category | Should -Be $Category
        $ev[0].TargetObject | Should -Not -BeNullOrEmpty
    }
}
