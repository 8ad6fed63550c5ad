# The vault in an Azure Blob Storage container (Azurite): issuance into it, a second process reading and exporting
# from it, two processes writing under the lock, and a lock whose holder was killed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/Azurite.psm1') -Force
    $script:Saved = @{ Vault = $env:ACMEPS_VAULT; Cs = $env:ACMEPS_VAULT_CONNECTION_STRING; Key = $env:ACMEPS_VAULT_KEY; Cost = $env:ACMEPS_VAULT_KDFCOST }
    # Key protection with a cheap key derivation, as New-TestVault sets it (this file's vaults are containers).
    $env:ACMEPS_VAULT_KEY = 'acmeps test vault passphrase'
    $env:ACMEPS_VAULT_KDFCOST = '10'
    $script:Azurite = Start-AzuriteTestServer
    $script:Server = Start-AcmeTestServer
    $env:ACMEPS_VAULT_CONNECTION_STRING = $script:Azurite.ConnectionString
    $script:Cts = @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
    $script:Module = (Get-Module AcmePS).Path
    $script:Child = Join-Path $PSScriptRoot 'BlobVaultChild.ps1'

    function Start-Child([string]$Mode, [int]$Value, [switch]$WaitForGo) {
        # A pwsh process running BlobVaultChild.ps1 with this process's environment (ACMEPS_VAULT and the connection string).
        $arguments = @('-Module', $script:Module, '-Mode', $Mode, '-Value', $Value) + @(if ($WaitForGo) { '-WaitForGo' })
        Start-TestPwsh $script:Child $arguments -RedirectInput:$WaitForGo
    }

    function Invoke-Child([string]$Mode, [int]$Value) {
        $p = Start-Child $Mode $Value
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $out.Trim(); Err = $err.Result }
    }
}

AfterAll {
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    if ($script:Azurite) { Stop-AzuriteTestServer -Server $script:Azurite }
    $env:ACMEPS_VAULT = $script:Saved.Vault
    $env:ACMEPS_VAULT_CONNECTION_STRING = $script:Saved.Cs
    $env:ACMEPS_VAULT_KEY = $script:Saved.Key
    $env:ACMEPS_VAULT_KDFCOST = $script:Saved.Cost
}

Describe 'Issuance into a container vault' {
    BeforeAll {
        $env:ACMEPS_VAULT = New-AzuriteContainerUrl -Server $script:Azurite -Prefix 'acme/prod'
        $script:Dir = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-blobexport-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $script:Dir
    }
    AfterAll { Remove-Item $script:Dir -Recurse -Force -ErrorAction SilentlyContinue }

    It 'issues a certificate with ACMEPS_VAULT set to the container URL' {
        $null = Initialize-TestAccount $script:Server
        $script:Name = New-UniqueName 'blob'
        $script:Cert = New-AcmeCertificate -DnsName $script:Name -Plugin ChallTestSrv -PluginParameters $script:Cts
        $script:Cert.Thumbprint | Should -Match '^[0-9A-F]{40}$'
        $script:Cert.CertificatePath | Should -BeNullOrEmpty   # a blob has no local path
        (Get-AcmeServer).DirectoryUrl | Should -Be $script:Server.DirectoryUrl
        (Get-AcmeOrder -Name $script:Name).Status | Should -Be 'valid'
    }

    It 'another process finds the certificate in the container and exports it' {
        $pfx = Join-Path $script:Dir 'site.pfx'
        $child = {
            param($Module, $Name, $Pfx)
            $ErrorActionPreference = 'Stop'
            Import-Module $Module
            $cert = Get-AcmeCertificate -Name $Name
            Export-AcmeCertificate -Name $Name -Path $Pfx -Password (ConvertTo-SecureString 'pw' -AsPlainText -Force)
            $cert.Thumbprint
        }
        $script = Join-Path $script:Dir 'second.ps1'
        Set-Content -Path $script -Value $child.ToString()
        $out = & $script:Pwsh -NoProfile -NonInteractive -File $script -Module $script:Module -Name $script:Name -Pfx $pfx 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        ($out | Select-Object -Last 1) | Should -Be $script:Cert.Thumbprint
        $collection = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $collection.Import($pfx, 'pw', 'Exportable')
        @($collection | Where-Object HasPrivateKey).Thumbprint | Should -Be $script:Cert.Thumbprint
    }

    It 'reports a wrong account key as AcmeVaultAccessDenied without showing the key' {
        $wrong = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
        $env:ACMEPS_VAULT_CONNECTION_STRING = $script:Azurite.ConnectionString -replace 'AccountKey=[^;]+', "AccountKey=$wrong"
        try {
            Get-AcmeCertificate -Name $script:Name -ErrorVariable ev -ErrorAction SilentlyContinue
            Get-ErrorId $ev | Should -Be 'AcmeVaultAccessDenied'
            $ev[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            ($ev | Out-String) | Should -Not -Match ([regex]::Escape($wrong))
        }
        finally { $env:ACMEPS_VAULT_CONNECTION_STRING = $script:Azurite.ConnectionString }
    }
}

Describe 'Locks across processes' {
    BeforeEach { $env:ACMEPS_VAULT = New-AzuriteContainerUrl -Server $script:Azurite }

    It 'two processes incrementing a counter under the lock lose no update' {
        $a = Start-Child count 15
        $b = Start-Child count 15
        $results = foreach ($p in $a, $b) {
            $err = $p.StandardError.ReadToEndAsync(); $out = $p.StandardOutput.ReadToEnd(); $p.WaitForExit()
            [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $out.Trim(); Err = $err.Result }
        }
        foreach ($r in $results) { $r.ExitCode | Should -Be 0 -Because $r.Err; $r.Out | Should -Be 'done' }
        $read = Invoke-Child read
        $read.ExitCode | Should -Be 0 -Because $read.Err
        $read.Out | Should -Be '30'
    }

    It 'a lock held by a killed process is free again once its lease runs out' {
        # The second process is started and has the store open before the holder is killed, so that it asks within a
        # second of the kill, well inside the 20 s lease, however long a process takes to start here.
        $holder = Start-Child hold
        $busy = Start-Child try 1 -WaitForGo
        try {
            $line = $holder.StandardOutput.ReadLineAsync()
            $line.Wait([TimeSpan]::FromSeconds(60)) | Should -BeTrue -Because 'the holder takes the lock'
            $line.Result | Should -Be 'locked'
            $busyErr = $busy.StandardError.ReadToEndAsync()
            $ready = $busy.StandardOutput.ReadLineAsync()
            $ready.Wait([TimeSpan]::FromSeconds(60)) | Should -BeTrue -Because 'the second process opens the store'
            $ready.Result | Should -Be 'ready'
            $holder.Kill()   # SIGKILL: no Dispose, no release; the lease stays until it expires
            $holder.WaitForExit()
            $busy.StandardInput.WriteLine('go'); $busy.StandardInput.Flush()
            $busyOut = $busy.StandardOutput.ReadToEnd().Trim()
            $busy.WaitForExit()
            $busyOut | Should -Be 'AcmeVaultLocked' -Because $busyErr.Result
            $later = Invoke-Child try 90
            $later.Out | Should -Be 'acquired' -Because $later.Err
        }
        finally {
            foreach ($p in $holder, $busy) { if (-not $p.HasExited) { $p.Kill() }; $p.Dispose() }
        }
    }
}

Describe 'Vault URLs and credentials that cannot be used' {
    AfterEach { $env:ACMEPS_VAULT_CONNECTION_STRING = $script:Azurite.ConnectionString }

    It '<Case> gives <ErrorId> (<Category>) and shows no secret' -ForEach @(
        @{ Case = 'a URL without a container'; Url = 'https://acct.blob.core.windows.net/'; ErrorId = 'AcmeVaultLocationInvalid'; Category = 'InvalidArgument'; Secret = 'never-shown' }
        @{ Case = 'a query that is not a SAS'; Url = 'https://acct.blob.core.windows.net/vault?sp=r&secret=never-shown'; ErrorId = 'AcmeVaultLocationInvalid'; Category = 'InvalidArgument'; Secret = 'never-shown' }
        @{ Case = 'a connection string for another account'; Url = 'https://acct.blob.core.windows.net/vault'; Cs = 'AccountName=other;AccountKey=bmV2ZXItc2hvd24='; ErrorId = 'AcmeVaultCredentialInvalid'; Category = 'InvalidArgument'; Secret = 'bmV2ZXItc2hvd24=' }
        @{ Case = 'a connection string without a key or SAS'; Url = 'https://acct.blob.core.windows.net/vault'; Cs = 'AccountName=acct;Secret=never-shown'; ErrorId = 'AcmeVaultCredentialInvalid'; Category = 'InvalidArgument'; Secret = 'never-shown' }
    ) {
        $env:ACMEPS_VAULT = $Url
        if ($Cs) { $env:ACMEPS_VAULT_CONNECTION_STRING = $Cs }
        $ev = @(& { $ErrorActionPreference = 'Continue'; Get-AcmeServer } 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        Get-ErrorId $ev | Should -Be $ErrorId
        $ev[0].CategoryInfo.Category | Should -Be $Category
        ($ev | Format-List * -Force | Out-String) + $ev[0].Exception.ToString() | Should -Not -Match ([regex]::Escape($Secret))
    }
}
