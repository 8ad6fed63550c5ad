# End-to-end demo: a wildcard certificate from a throw-away pebble through dns-01 (challtestsrv).
# Run through `dotnet pwsh ./build.ps1 Demo`, which builds out/AcmePS first.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repo = Split-Path $PSScriptRoot -Parent
$modulePath = if ($env:ACMEPS_MODULE_PATH) { $env:ACMEPS_MODULE_PATH } else { Join-Path $repo 'out/AcmePS/AcmePS.psd1' }

# A throw-away vault, so the demo never touches a real one.
$env:ACMEPS_VAULT = Join-Path ([System.IO.Path]::GetTempPath()) ('acmeps-demo-vault-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
$null = New-Item -ItemType Directory -Path $env:ACMEPS_VAULT
# Its keys are encrypted at rest: with a passphrase (Key protection) where Windows DPAPI does not exist. A real
# vault's passphrase comes from a secret store; this throw-away one is random.
$env:ACMEPS_VAULT_KEY = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(24))
Import-Module $modulePath
Import-Module (Join-Path $repo 'tests/TestServers.psm1')

function Step([string]$Text, [System.Diagnostics.Stopwatch]$Watch) { '{0,-34} {1,6:N0} ms' -f $Text, $Watch.Elapsed.TotalMilliseconds }

function ConvertFrom-Pem([string]$Pem) {
    # One certificate per PEM block: CreateFromPem would read only the first.
    [regex]::Matches($Pem, '-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----') | ForEach-Object {
        [System.Security.Cryptography.X509Certificates.X509Certificate2]::new([Convert]::FromBase64String(($_.Groups[1].Value -replace '\s', '')))
    }
}

$names = 'demo.example.test', '*.demo.example.test'
$rc = 0
$s = $null
try {
    "AcmePS $((Get-Module AcmePS).Version) demo: certificate for $($names -join ', ')"
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $s = Start-AcmeTestServer
    Step 'pebble + challtestsrv started' $sw

    $sw.Restart()
    $null = Set-AcmeServer -DirectoryUrl $s.DirectoryUrl -TrustedRoot $s.TrustedRoot
    $null = New-AcmeAccount -Contact 'admin@demo.example.test' -AcceptTermsOfService
    Step 'server set, account created' $sw

    $sw.Restart()
    $cert = New-AcmeOrder -DnsName $names |
        Get-AcmeChallenge -Type dns-01 |
        Publish-AcmeChallTestSrvChallenge -ManagementUrl $s.ChallTestSrvUrl |
        Submit-AcmeChallenge |
        Complete-AcmeOrder
    Step 'certificate issued (order..cert)' $sw
    if (@($cert).Count -ne 1) { throw "expected one certificate from Complete-AcmeOrder, got $(@($cert).Count) objects" }

    ''
    $cert | Select-Object Subject, @{ n = 'DnsNames'; e = { $_.DnsNames -join ', ' } }, NotBefore, NotAfter,
        SerialNumber, Thumbprint, Issuer, CertificatePath | Format-List | Out-String -Stream | Where-Object { $_ }

    $chain = @(ConvertFrom-Pem (Get-Content -Raw $cert.CertificatePath))
    ''
    "Chain in $($cert.CertificatePath) ($($chain.Count) certificates):"
    $i = 0
    foreach ($c in $chain) {
        '  [{0}] {1}' -f $i++, $c.Subject
        '      issuer {0}, not after {1:yyyy-MM-dd}' -f $c.Issuer, $c.NotAfter
    }

    # Sanity checks, so a wrong result fails the demo instead of just printing it.
    foreach ($n in $names) { if ($cert.DnsNames -notcontains $n) { throw "certificate lacks $n" } }
    if ($chain.Count -lt 2) { throw 'the chain file has no issuer certificate' }
    # The engine may print SHA-1 (like X509Certificate2) or SHA-256 thumbprints; accept either.
    $leafPrints = $chain[0].Thumbprint, [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($chain[0].RawData))
    if (($cert.Thumbprint -replace '[^0-9A-Fa-f]', '') -notin $leafPrints) { throw 'the first PEM block is not the leaf' }
    $vault = Get-AcmeVault
    ''
    "Vault: $($vault.Protection) protection, $($vault.SecretFiles) secret files, $($vault.UnencryptedSecretFiles) unencrypted"
    if ($vault.UnencryptedSecretFiles -ne 0) { throw 'the vault holds an unencrypted key' }
    $root = (Get-AcmeTestRoot -Server $s).Root
    if ($chain[-1].Issuer -ne (ConvertFrom-Pem $root).Subject) { throw "the chain does not end at pebble's root" }
    ''
    'Demo passed.'
} catch {
    Write-Host "DEMO FAILED: $($_.Exception.Message)"
    Write-Host $_.ScriptStackTrace
    $rc = 1
} finally {
    if ($s) { Stop-AcmeTestServer -Server $s }
    Remove-Item $env:ACMEPS_VAULT -Recurse -Force -ErrorAction SilentlyContinue
}
exit $rc
