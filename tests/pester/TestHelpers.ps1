# Dot-sourced by every AcmePS test file in BeforeAll: imports the built module and the test-server fixture and
# gives each file its own throw-away vault.
$ErrorActionPreference = 'Stop'
$script:RepoRoot = Resolve-Path (Join-Path $PSScriptRoot '../..')
$modulePath = if ($env:ACMEPS_MODULE_PATH) { $env:ACMEPS_MODULE_PATH } else { Join-Path $script:RepoRoot 'out/AcmePS/AcmePS.psd1' }
Import-Module $modulePath -Force
Import-Module (Join-Path $script:RepoRoot 'tests/TestServers.psm1') -Force
$script:Pwsh = if ($IsWindows) { Join-Path $PSHOME 'pwsh.exe' } else { Join-Path $PSHOME 'pwsh' }

function New-TestVault {
    # A new empty vault for the calls that follow (ACMEPS_VAULT is read by every command).
    $path = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-vault-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $env:ACMEPS_VAULT = $path
    # Key protection (the default off Windows) with a cheap key derivation: the suite stays fast (the default cost is 17).
    $env:ACMEPS_VAULT_KEY = 'acmeps test vault passphrase'
    $env:ACMEPS_VAULT_KDFCOST = '10'
    $path
}

function Remove-TestVault([string]$Path) {
    if ($Path -and (Test-Path $Path)) { Remove-Item $Path -Recurse -Force }
}

function Initialize-TestAccount($Server) {
    # Server + account in the current vault.
    Set-AcmeServer -DirectoryUrl $Server.DirectoryUrl -TrustedRoot $Server.TrustedRoot
    New-AcmeAccount -Contact 'test@example.test' -AcceptTermsOfService
}

function Get-VaultFiles([string]$Path) {
    # Every file in a vault, relative, for "nothing was written" checks.
    if (-not (Test-Path $Path)) { return @() }
    @(Get-ChildItem $Path -Recurse -File | ForEach-Object { $_.FullName.Substring($Path.Length) } | Sort-Object)
}

function New-UniqueName([string]$Prefix = 'n') {
    "$Prefix$([guid]::NewGuid().ToString('N').Substring(0, 8)).example.test"
}

function Get-ErrorId($ErrorRecords) {
    # The ErrorId part of FullyQualifiedErrorId ("AcmeDnsNameInvalid,AcmePS.Commands.NewAcmeOrderCommand").
    @($ErrorRecords | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] })
}

function Start-TestEnvironment {
    # A Pebble of its own, a new vault, and an account in it: what most test files start from.
    param([int]$NonceRejectPercent = 0)
    $server = Start-AcmeTestServer -NonceRejectPercent $NonceRejectPercent
    try {
        $vault = New-TestVault
        $account = Initialize-TestAccount $server
    }
    catch { Stop-AcmeTestServer -Server $server; throw }
    [pscustomobject]@{ Server = $server; Vault = $vault; Account = $account }
}

function Stop-TestEnvironment($Environment) {
    if (-not $Environment) { return }
    if ($Environment.Server) { Stop-AcmeTestServer -Server $Environment.Server }
    Remove-TestVault $Environment.Vault
}

function Read-VaultSecret([string]$RelativePath) {
    # The decrypted text of a secret file of the current vault (ACMEPS_VAULT), through the engine, for assertions on
    # what a command recorded. The engine lives in the module's own load context: reached by reflection.
    $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AcmePS.Core' } | Select-Object -First 1
    $vault = $core.GetType('AcmePS.Core.Vault.AcmeVault').GetMethod('OpenDefault').Invoke($null, @())
    $vault.Store.Read($RelativePath.TrimStart('/').Replace('\', '/'))
}

function Export-TestKey($Certificate) {
    # A plaintext PEM copy of a certificate's key (the vault's cert.key is encrypted), in a new temporary file.
    $dir = if ($TestDrive) { $TestDrive } else { [IO.Path]::GetTempPath() }
    $path = Join-Path $dir ('acmeps-key-' + [guid]::NewGuid().ToString('N').Substring(0, 12) + '.key')
    $Certificate | Export-AcmeCertificate -Path $path -Format KeyPem
    $path
}

function Stop-IssuanceWhileValidating {
    # Ctrl+C while a listener plugin (SelfHost, TlsAlpn) answers: Pebble's connection to -HangPort (its http-01 or
    # tls-alpn-01 port) is accepted and never answered, so the validation hangs; the plugin listens on a free port of
    # its own, and New-AcmeCertificate runs in a runspace of its own so that it can be stopped. Returns whether the
    # plugin listened before the stop, the runspace's state after it, and whether the plugin still listens.
    param([int]$HangPort, [string]$ChallengeType, [string]$Plugin, [string]$Name)
    $hang = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $HangPort); $hang.Start()
    $free = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $free.Start(); $own = $free.LocalEndpoint.Port; $free.Stop()
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript({
                param($Module, $Name, $ChallengeType, $Plugin, $Port)
                Import-Module $Module
                New-AcmeCertificate -DnsName $Name -ChallengeType $ChallengeType -Plugin $Plugin -PluginParameters @{ Port = $Port; Address = '127.0.0.1' }
            }).AddArgument((Get-Module AcmePS).Path).AddArgument($Name).AddArgument($ChallengeType).AddArgument($Plugin).AddArgument($own)
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-TcpOpen $own) -and -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $before = Test-TcpOpen $own
        $ps.Stop()
        [pscustomobject]@{ ListeningBefore = $before; State = $ps.InvocationStateInfo.State; ListeningAfter = Test-TcpOpen $own }
    }
    finally { $ps.Dispose(); $hang.Stop() }
}

function Start-TestPwsh([string]$File, [object[]]$Arguments = @(), [switch]$RedirectInput) {
    # A child pwsh running a script file with this process's environment; its standard output and error are
    # redirected, and its standard input with -RedirectInput.
    $psi = [Diagnostics.ProcessStartInfo]::new($script:Pwsh)
    foreach ($a in @('-NoProfile', '-NonInteractive', '-File', $File) + $Arguments) { $psi.ArgumentList.Add([string]$a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = [bool]$RedirectInput
    [Diagnostics.Process]::Start($psi)
}
