# Source manifest. build.ps1 copies it to out/AcmePS/ and stamps ModuleVersion from
# Directory.Build.props (<AcmePSVersion>).
@{
    RootModule           = 'AcmePS.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'efbefbb8-ceef-4642-ad42-d67587bbac55'
    Author               = 'AcmePS contributors'
    Copyright            = '(c) AcmePS contributors'
    Description          = 'ACME (RFC 8555) client for Windows PowerShell 5.1 and PowerShell 7: accounts, orders, http-01 and dns-01 challenges, certificate issuance, export and revocation.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('AcmePS.format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Set-AcmeServer'
        'Get-AcmeServer'
        'New-AcmeAccount'
        'Get-AcmeAccount'
        'Set-AcmeAccount'
        'Disable-AcmeAccount'
        'New-AcmeOrder'
        'Get-AcmeOrder'
        'Get-AcmeChallenge'
        'Submit-AcmeChallenge'
        'Complete-AcmeOrder'
        'Get-AcmeCertificate'
        'Export-AcmeCertificate'
        'Revoke-AcmeCertificate'
        'New-AcmeCertificate'
        'Publish-AcmeChallTestSrvChallenge'
        'Unpublish-AcmeChallTestSrvChallenge'
        'Publish-AcmeTlsAlpnChallenge'
        'Unpublish-AcmeTlsAlpnChallenge'
        'Publish-AcmeSelfHostChallenge'
        'Unpublish-AcmeSelfHostChallenge'
        'Publish-AcmeWebRootChallenge'
        'Unpublish-AcmeWebRootChallenge'
        'Publish-AcmePoshAcmeChallenge'
        'Unpublish-AcmePoshAcmeChallenge'
        'Publish-AcmeAzureDnsChallenge'
        'Unpublish-AcmeAzureDnsChallenge'
        'Publish-AcmeCloudflareChallenge'
        'Unpublish-AcmeCloudflareChallenge'
        'Publish-AcmeRoute53Challenge'
        'Unpublish-AcmeRoute53Challenge'
        'Publish-AcmeAcmeDnsChallenge'
        'Unpublish-AcmeAcmeDnsChallenge'
        'Publish-AcmeManualChallenge'
        'Unpublish-AcmeManualChallenge'
        'Get-AcmeRenewalInfo'
        'Submit-AcmeRenewal'
        'Initialize-AcmeVault'
        'Get-AcmeVault'
        'Set-AcmeVault'
        'Unlock-AcmeVault'
        'Export-AcmeVault'
        'Import-AcmeVault'
        'Remove-AcmeOrder'
        'Remove-AcmeAccount'
        'Get-AcmePlugin'
        'Publish-AcmeRfc2136Challenge'
        'Unpublish-AcmeRfc2136Challenge'
    )
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('ACME', 'LetsEncrypt', 'Certificate', 'SSL', 'TLS', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
        }
    }
}
