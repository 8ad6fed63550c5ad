# Bulk issuance: many requests from the pipeline, -ThrottleLimit of them at once in one process.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Cts = @{ ManagementUrl = $script:Env.Server.ChallTestSrvUrl }
    $global:BulkPluginLog = [Collections.Concurrent.ConcurrentBag[string]]::new()
    # A plugin that refuses one name, to show one failure does not stop the rest.
    New-Module -Name BulkTestPlugin -ScriptBlock {
        function Publish-AcmeBulkTestChallenge {
            [CmdletBinding()]
            param([Parameter(Mandatory, ValueFromPipeline)] $Challenge, [Parameter(Mandatory)] [string] $ManagementUrl)
            process {
                if ($Challenge.Identifier -like 'refused*') { Write-Error -Message "no zone for $($Challenge.Identifier)" -ErrorId BulkNoZone; return }
                $null = Invoke-RestMethod -Method Post -Uri "$ManagementUrl/set-txt" -Body (@{ host = "$($Challenge.RecordName)."; value = $Challenge.RecordValue } | ConvertTo-Json)
                $global:BulkPluginLog.Add("publish $($Challenge.Identifier)")
                $Challenge.MarkPublished($PSCmdlet)
            }
        }
        function Unpublish-AcmeBulkTestChallenge {
            [CmdletBinding()]
            param([Parameter(Mandatory, ValueFromPipeline)] $Challenge, [Parameter(Mandatory)] [string] $ManagementUrl)
            process {
                $null = Invoke-RestMethod -Method Post -Uri "$ManagementUrl/clear-txt" -Body (@{ host = "$($Challenge.RecordName)." } | ConvertTo-Json)
                $global:BulkPluginLog.Add("unpublish $($Challenge.Identifier)")
            }
        }
    } | Import-Module
}

AfterAll {
    Remove-Module BulkTestPlugin -ErrorAction SilentlyContinue
    Remove-Variable BulkPluginLog -Scope Global -ErrorAction SilentlyContinue
    Stop-TestEnvironment $script:Env
}

Describe 'New-AcmeCertificate -ThrottleLimit' {
    It 'issues 12 certificates from a CSV at throttle 4, each written once' {
        $names = 1..12 | ForEach-Object { New-UniqueName "bulk$_" }
        $csv = ($names | ForEach-Object { "$_,ChallTestSrv" }) -join "`n"
        $certs = @("DnsName,Plugin`n$csv" | ConvertFrom-Csv | New-AcmeCertificate -PluginParameters $script:Cts -ThrottleLimit 4)
        $certs | Should -HaveCount 12
        $certs.Name | Sort-Object | Should -Be ($names | Sort-Object)
        @($certs.SerialNumber | Sort-Object -Unique) | Should -HaveCount 12
        foreach ($n in $names) { (Get-AcmeOrder -Name $n).Status | Should -Be 'valid' }
    }

    It 'reports one failure without stopping the others, and removes every record it published' {
        $global:BulkPluginLog.Clear()
        $good = 1..5 | ForEach-Object { New-UniqueName "ok$_" }
        $bad = New-UniqueName 'refused'
        $requests = @($good[0..1]) + $bad + @($good[2..4])
        $certs = @($requests | ForEach-Object { [pscustomobject]@{ DnsName = $_ } } |
            New-AcmeCertificate -Plugin BulkTest -PluginParameters $script:Cts -ThrottleLimit 3 -ErrorVariable ev -ErrorAction SilentlyContinue)
        $certs.Name | Sort-Object | Should -Be ($good | Sort-Object)
        $ids = Get-ErrorId $ev
        $ids | Should -Contain 'BulkNoZone'
        $ids | Should -Contain 'AcmePluginPublishFailed'
        ($ev | Where-Object { $_.FullyQualifiedErrorId -like 'AcmePluginPublishFailed,*' }).TargetObject | Should -Be $bad
        $log = @($global:BulkPluginLog)
        foreach ($n in $good) { $log | Should -Contain "publish $n"; $log | Should -Contain "unpublish $n" }
    }

    It 'gives the same result with a request rate limit' {
        $names = 1..3 | ForEach-Object { New-UniqueName "rate$_" }
        $certs = @($names | ForEach-Object { [pscustomobject]@{ DnsName = $_ } } | New-AcmeCertificate -Plugin ChallTestSrv -PluginParameters $script:Cts -ThrottleLimit 3 -MaxRequestsPerSecond 50)
        $certs.Name | Sort-Object | Should -Be ($names | Sort-Object)
    }
}
