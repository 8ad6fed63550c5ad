# Dependency isolation on PowerShell 7: AcmePS uses its own BouncyCastle even when another module loaded a
# different build with the same assembly version (every BouncyCastle 2.x is 2.0.0.0) first.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Server = Start-AcmeTestServer
    $script:Vault = New-TestVault
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $script:OtherBc = Join-Path $packages 'bouncycastle.cryptography/2.4.0/lib/net6.0/BouncyCastle.Cryptography.dll'
    $script:ModuleDir = Split-Path (Get-Module AcmePS).Path -Parent
}

AfterAll {
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    Remove-TestVault $script:Vault
}

Describe 'Another module''s BouncyCastle loaded first' -Skip:(-not $IsCoreCLR) {
    It 'issues a certificate with AcmePS''s own BouncyCastle 2.7.0 from its dependencies folder' {
        Test-Path $script:OtherBc | Should -BeTrue -Because 'the test project downloads BouncyCastle 2.4.0'
        $child = {
            param($Module, $OtherBc, $Directory, $Root, $Cts, $Vault)
            $ErrorActionPreference = 'Stop'
            Add-Type -Path $OtherBc                                   # what another module would do
            $null = [Org.BouncyCastle.Security.SecureRandom]::new()   # and use it
            Import-Module $Module
            $env:ACMEPS_VAULT = $Vault
            Set-AcmeServer $Directory -TrustedRoot $Root
            $null = New-AcmeAccount -AcceptTermsOfService -KeyType ec384
            $cert = New-AcmeCertificate -DnsName 'isolation.example.test' -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $Cts } -KeyType rsa2048
            $loaded = foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'BouncyCastle.Cryptography' }) {
                [pscustomobject]@{
                    Location = $a.Location
                    Version  = ($a.GetCustomAttributes([Reflection.AssemblyInformationalVersionAttribute], $false) | Select-Object -First 1).InformationalVersion
                    Default  = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a) -eq [Runtime.Loader.AssemblyLoadContext]::Default
                }
            }
            [pscustomobject]@{
                Thumbprint = $cert.Thumbprint
                Loaded     = @($loaded)
                Engine     = @([AcmePS.Internal.ModuleInitializer]::EngineAssemblyLocations())
            } | ConvertTo-Json -Depth 4 -Compress
        }
        $script = Join-Path $script:Server.WorkDir 'isolation.ps1'
        Set-Content -Path $script -Value $child.ToString()
        $out = & $script:Pwsh -NoProfile -NonInteractive -File $script -Module (Get-Module AcmePS).Path -OtherBc $script:OtherBc `
            -Directory $script:Server.DirectoryUrl -Root $script:Server.TrustedRoot -Cts $script:Server.ChallTestSrvUrl -Vault $script:Vault 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $result = ($out | Select-Object -Last 1) | ConvertFrom-Json

        $result.Thumbprint | Should -Match '^[0-9A-F]{40}$'
        $result.Loaded | Should -HaveCount 2
        $theirs = $result.Loaded | Where-Object Default
        $ours = $result.Loaded | Where-Object { -not $_.Default }
        $theirs.Version | Should -BeLike '2.4.0*'
        $ours.Version | Should -BeLike '2.7.0*'
        $ours.Location | Should -Be (Join-Path $script:ModuleDir 'dependencies/BouncyCastle.Cryptography.dll')
        $result.Engine | Should -Contain "AcmePS.Core|$(Join-Path $script:ModuleDir 'dependencies/AcmePS.Core.dll')"
        $result.Engine | Should -Contain "BouncyCastle.Cryptography|$($ours.Location)"
    }
}
