# Four pwsh processes issuing and renewing against one vault at once: afterwards every order and certificate is there
# and loads, and each certificate exports with its own key.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Cts = @{ ManagementUrl = $script:Env.Server.ChallTestSrvUrl }
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-conc-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory $script:Work
    $script:Worker = Join-Path $script:Work 'worker.ps1'
    Set-Content $script:Worker -Value @'
param($ModulePath, $Own, $Shared, $ManagementUrl)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$plugin = @{ ManagementUrl = $ManagementUrl }
# Interleaved: a new certificate of its own, then a renewal of a certificate every worker renews.
$own = $Own -split ','; $shared = $Shared -split ','
for ($i = 0; $i -lt [Math]::Max($own.Count, $shared.Count); $i++) {
    if ($i -lt $own.Count) { $null = New-AcmeCertificate -Name $own[$i] -DnsName $own[$i] -Plugin ChallTestSrv -PluginParameters $plugin }
    if ($i -lt $shared.Count) { $null = Get-AcmeCertificate -Name $shared[$i] | New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $plugin }
}
'ok'
'@
}

AfterAll {
    Stop-TestEnvironment $script:Env
    if ($script:Work) { Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Four processes on one vault' {
    It 'issue and renew at once, and every order and certificate is there and loads' {
        $shared = 1..3 | ForEach-Object { New-UniqueName "shared$_" }
        foreach ($name in $shared) { $null = New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts }
        $before = @{}; foreach ($name in $shared) { $before[$name] = (Get-AcmeCertificate -Name $name).SerialNumber }

        $own = 1..4 | ForEach-Object { $w = $_; ,@(1..5 | ForEach-Object { New-UniqueName "w$w-$_" }) }
        $processes = foreach ($w in 0..3) {
            $p = Start-TestPwsh $script:Worker @((Get-Module AcmePS).Path, ($own[$w] -join ','), ($shared -join ','), $script:Cts.ManagementUrl)
            [pscustomobject]@{ Process = $p; Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync() }
        }
        foreach ($p in $processes) {
            $p.Process.WaitForExit(240000) | Should -BeTrue
            $p.Process.WaitForExit()
            $p.Err.Result | Should -BeNullOrEmpty
            $p.Out.Result.Trim() | Should -Be 'ok'
            $p.Process.ExitCode | Should -Be 0
        }

        $orders = @(Get-AcmeOrder)
        foreach ($name in @($own | ForEach-Object { $_ }) + $shared) {
            ($orders | Where-Object Name -eq $name).Status | Should -Be 'valid'
            $certificate = Get-AcmeCertificate -Name $name
            $pfx = Join-Path $script:Work "$name.pfx"
            Export-AcmeCertificate -Name $name -Path $pfx -Password (ConvertTo-SecureString 'p' -AsPlainText -Force)
            $x509 = [Security.Cryptography.X509Certificates.X509Certificate2]::new($pfx, 'p')
            $x509.HasPrivateKey | Should -BeTrue
            $x509.Thumbprint | Should -Be $certificate.Thumbprint
        }
        # Each shared certificate was renewed (four times, one after another), and the last renewal is what the vault holds.
        foreach ($name in $shared) { (Get-AcmeCertificate -Name $name).SerialNumber | Should -Not -Be $before[$name] }
        (Get-AcmeAccount).Status | Should -Be 'valid'
    }
}

Describe 'A lock whose holder is killed' {
    It 'makes a second process wait with AcmeVaultLocked while held, and is free as soon as the holder dies' {
        $name = New-UniqueName 'held'
        $holder = Join-Path $script:Work 'holder.ps1'
        Set-Content $holder -Value @'
param($ModulePath, $Server, $Account, $Name)
Import-Module $ModulePath
$null = Get-AcmeServer   # loads the engine, which lives in the module's own load context
$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AcmePS.Core' } | Select-Object -First 1
$vault = $core.GetType('AcmePS.Core.Vault.AcmeVault').GetMethod('OpenDefault').Invoke($null, @())
$lock = $vault.LockOrder($Server, $Account, $Name, [TimeSpan]::FromSeconds(10), [Threading.CancellationToken]::None)
[Console]::Out.WriteLine('locked'); [Console]::Out.Flush()
Start-Sleep -Seconds 300
'@
        $process = Start-TestPwsh $holder @((Get-Module AcmePS).Path, $script:Env.Account.Server, $script:Env.Account.Id, $name)
        try {
            $null = $process.StandardError.ReadToEndAsync()
            $line = $process.StandardOutput.ReadLineAsync()
            $line.Wait(60000) | Should -BeTrue
            $line.Result | Should -Be 'locked'

            New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts -TimeoutSeconds 1 -ErrorVariable ev -ErrorAction SilentlyContinue |
                Should -BeNullOrEmpty
            Get-ErrorId $ev | Should -Be 'AcmeVaultLocked'
            $ev[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
            Get-AcmeOrder -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty   # nothing was ordered

            $process.Kill()   # SIGKILL: no Dispose, no clean-up; the OS drops the file lock
            $process.WaitForExit()
            (New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts -TimeoutSeconds 30).Name | Should -Be $name
        }
        finally {
            if (-not $process.HasExited) { $process.Kill() }
            $process.Dispose()
        }
    }
}
