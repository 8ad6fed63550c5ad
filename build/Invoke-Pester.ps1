# Runs the Pester tests with Pester 5.7.1 from the NuGet cache (no PowerShell Gallery here;
# tests/AcmePS.Core.Tests restores it through <PackageDownload>).
# Prints "pester: N passed, N failed, N skipped" and writes {passed, failed, skipped} as JSON next to the report.
param(
    [string[]]$Path = @('tests/pester'),
    [string]$OutputPath = 'out/test-results/pester.xml',
    [string[]]$Tag,
    [string[]]$ExcludeTag
)
$ErrorActionPreference = 'Stop'
# Relative paths are from the repo root, whatever the current folder.
$repo = Split-Path $PSScriptRoot -Parent
function Get-RepoPath([string]$p) { if ([System.IO.Path]::IsPathRooted($p)) { $p } else { Join-Path $repo $p } }
$Path = @($Path | ForEach-Object { Get-RepoPath $_ })
$OutputPath = [System.IO.Path]::GetFullPath((Get-RepoPath $OutputPath))

$pesterVersion = '5.7.1'
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$pesterPsd1 = Join-Path $packages "pester/$pesterVersion/tools/Pester.psd1"
if (-not (Test-Path $pesterPsd1)) {
    throw "Pester $pesterVersion not found at $pesterPsd1; run 'dotnet restore tests/AcmePS.Core.Tests' first."
}
Import-Module $pesterPsd1 -Force

$null = New-Item -ItemType Directory -Force -Path (Split-Path $OutputPath -Parent)
$jsonPath = [System.IO.Path]::ChangeExtension($OutputPath, '.json')
Remove-Item $OutputPath, $jsonPath -ErrorAction SilentlyContinue   # never report a stale run

$c = New-PesterConfiguration
$c.Run.Path = $Path
$c.Run.PassThru = $true
$c.TestResult.Enabled = $true
$c.TestResult.OutputFormat = 'NUnitXml'
$c.TestResult.OutputPath = $OutputPath
$c.Output.Verbosity = 'Detailed'
if ($Tag) { $c.Filter.Tag = $Tag }
if ($ExcludeTag) { $c.Filter.ExcludeTag = $ExcludeTag }

$r = Invoke-Pester -Configuration $c
# A bad -Path only writes an error and returns nothing: no JSON, so build.ps1 sees a crash.
if (-not $r) {
    Write-Host 'pester: no result (bad -Path?)'
    $Error | Select-Object -First 3 | ForEach-Object { Write-Host "  $_" }
    exit 1
}
# A failing BeforeAll or a file that does not parse shows up only in the block/container counts.
$failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount
[ordered]@{ passed = $r.PassedCount; failed = $failed; skipped = $r.SkippedCount } |
    ConvertTo-Json -Compress | Set-Content -Path $jsonPath -Encoding utf8NoBOM
# CI shows only the tail of the log: name every failure again right above the closing lines.
if ($failed -gt 0) {
    'Failed:'
    foreach ($t in $r.Failed) {
        "  $($t.ExpandedPath)"
        $message = if ($t.ErrorRecord) { @($t.ErrorRecord)[0].Exception.Message -split "`n" | Select-Object -First 3 }
        if ($message) { "    $message" }
    }
    foreach ($b in @($r.FailedBlocks) + @($r.FailedContainers)) { if ($b) { "  $($b.Name ?? $b.Item): $(@($b.ErrorRecord)[0].Exception.Message -split "`n" | Select-Object -First 3)" } }
}
"pester: $($r.PassedCount) passed, $failed failed, $($r.SkippedCount) skipped"
# Not Run.Exit: Pester would exit with the failure count, and 256 failures would be rc 0.
if ($failed -gt 0 -or $r.PassedCount + $r.FailedCount -eq 0) { exit 1 }
exit 0
