# Get-AcmePlugin: the plugins found in the session, built in or from any module, with their types and parameters.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # The complete plugin of about_AcmePS_Plugins, loaded as a user would (a module of its own).
    $doc = Get-Content -Raw (Join-Path $script:RepoRoot 'docs/en-US/about_AcmePS_Plugins.md')
    $code = [regex]::Matches($doc, '(?s)```powershell\n(.*?)\n```') | ForEach-Object { $_.Groups[1].Value } |
        Where-Object { $_ -match 'function Publish-Acme\w+Challenge' } | Select-Object -First 1
    $script:DocPlugin = New-Module -Name AcmePSDocPlugin -ScriptBlock ([scriptblock]::Create($code)) | Import-Module -PassThru
    # A pair with no declared type, and a Publish command without its Unpublish (not a plugin).
    $script:Other = New-Module -Name AcmePSOtherPlugins -ScriptBlock {
        function Publish-AcmeBareChallenge { param([Parameter(ValueFromPipeline)] $Challenge, [Parameter(Mandatory)] [int] $Ttl, [switch] $Fast) process { } }
        function Unpublish-AcmeBareChallenge { param([Parameter(ValueFromPipeline)] $Challenge, [int] $Ttl, [switch] $Fast) process { } }
        function Publish-AcmeHalfOnlyChallenge { param([Parameter(ValueFromPipeline)] $Challenge) process { } }
    } | Import-Module -PassThru
}

AfterAll {
    Remove-Module $script:DocPlugin, $script:Other -ErrorAction SilentlyContinue
}

Describe 'Get-AcmePlugin' {
    It 'lists the built-in plugins first, with their challenge types and parameters' {
        $all = @(Get-AcmePlugin)
        $all[0].BuiltIn | Should -BeTrue
        $rfc = $all | Where-Object Name -eq 'Rfc2136'
        $rfc.BuiltIn | Should -BeTrue
        $rfc.Module | Should -Be 'AcmePS'
        $rfc.ChallengeTypes | Should -Be @('dns-01')
        $rfc.PublishCommand | Should -Be 'Publish-AcmeRfc2136Challenge'
        $rfc.UnpublishCommand | Should -Be 'Unpublish-AcmeRfc2136Challenge'
        ($rfc.Parameters | Where-Object Mandatory).Name | Sort-Object | Should -Be @('KeyName', 'KeySecret', 'Server')
        ($rfc.Parameters | Where-Object Name -eq 'KeySecret').Type | Should -Be 'SecureString'
        $rfc.Parameters.Name | Should -Not -Contain 'Challenge'
        $rfc.Parameters.Name | Should -Not -Contain 'Verbose'
        ($all | Where-Object Name -eq 'ChallTestSrv').ChallengeTypes | Sort-Object | Should -Be @('dns-01', 'http-01')
    }

    It 'finds script plugins by name in any module, with the type they declare (the example of about_AcmePS_Plugins)' {
        $example = Get-AcmePlugin -Name Example
        $example.BuiltIn | Should -BeFalse
        $example.Module | Should -Be 'AcmePSDocPlugin'
        $example.ChallengeTypes | Should -Be @('dns-01')
        $example.Parameters.Name | Should -Be @('ManagementUrl')
        "$($example.Parameters[0])" | Should -Be '-ManagementUrl <String>'
        $bare = Get-AcmePlugin -Name Bare
        $bare.ChallengeTypes | Should -BeNullOrEmpty
        $bare.Parameters | ForEach-Object { "$_" } | Should -Be @('-Ttl <Int32>', '[-Fast <SwitchParameter>]')
    }

    It 'takes wildcards, leaves out a Publish command without its Unpublish, and reports an unknown name' {
        (Get-AcmePlugin -Name 'R*').Name | Should -Contain 'Rfc2136'
        (Get-AcmePlugin).Name | Should -Not -Contain 'HalfOnly'
        Get-AcmePlugin -Name 'NoSuch*' | Should -BeNullOrEmpty
        Get-AcmePlugin -Name HalfOnly -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmePluginNotFound'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows a table with the types and parameters' {
        $text = Get-AcmePlugin -Name Rfc2136 | Out-String -Width 300
        $text | Should -Match 'Rfc2136\s+dns-01\s+True\s+AcmePS\s+-Server <String>'
    }
}
