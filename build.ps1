# AcmePS build entry point: dotnet pwsh ./build.ps1 [Build|Test|Demo|Package|Bench] [-Configuration Release]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Bench')][string]$Task = 'Build',
    [string]$Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleDir = Join-Path $Out 'AcmePS'
$ResultsDir = Join-Path $Out 'test-results'

# Debian packages the tests need: package name -> commands it provides. Add bind9 etc. here.
$TestPackages = [ordered]@{
    'pebble'  = @('pebble', 'pebble-challtestsrv')
    'openssl' = @('openssl')
    'bsdutils' = @('script')   # a pseudo-terminal for the Manual plugin's interactive test
    'bind9'          = @('named')             # the RFC 2136 and propagation tests run a BIND of their own
    'bind9-utils'    = @('nsupdate')
    'bind9-dnsutils' = @('dig')
}

function Invoke-Native {
    # PowerShell does not stop on a failing native command; check every exit code.
    param([string]$Exe, [string[]]$Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Exe $($Arguments -join ' ')' failed with exit code $LASTEXITCODE" }
}

function Get-AcmePSVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $v = $props.SelectSingleNode('//AcmePSVersion')
    if (-not $v -or -not $v.InnerText.Trim()) { throw 'Directory.Build.props has no <AcmePSVersion>' }
    $v.InnerText.Trim()
}

function Invoke-ChildPwsh {
    # Module DLLs must not load into this process (they could not be unloaded or replaced).
    param([string[]]$Arguments)
    Push-Location $Root   # `dotnet pwsh` finds the local tool through .config/dotnet-tools.json
    try { & dotnet pwsh -NoProfile @Arguments | Out-Host; $LASTEXITCODE } finally { Pop-Location }
}

function Invoke-BuildTask {
    $version = Get-AcmePSVersion
    Invoke-Native dotnet 'build', (Join-Path $Root 'AcmePS.sln'), '-c', $Configuration, '-p:CheckNetFx=true', '-nologo'

    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleDir
    $bin = Join-Path $Root "src/AcmePS/bin/$Configuration/netstandard2.0"
    $dlls = @(Get-ChildItem -Path $bin -Filter *.dll)
    $names = @($dlls | ForEach-Object Name)
    # A shipped SMA reference assembly breaks the module on every host; the csproj must keep it out.
    if ($names -contains 'System.Management.Automation.dll') { throw "System.Management.Automation.dll is in $bin" }
    foreach ($required in 'AcmePS.dll', 'AcmePS.Core.dll') {
        if ($names -notcontains $required) { throw "$required is missing from $bin" }
    }
    # Only the cmdlets assembly sits beside the manifest. The engine and its dependencies go to dependencies/,
    # where PowerShell does not probe: the module loads them into a load context of its own (ModuleInitializer).
    $dependencies = Join-Path $ModuleDir 'dependencies'
    $null = New-Item -ItemType Directory -Path $dependencies
    $dlls | Where-Object Name -eq 'AcmePS.dll' | Copy-Item -Destination $ModuleDir
    $dlls | Where-Object Name -ne 'AcmePS.dll' | Copy-Item -Destination $dependencies

    $formats = Join-Path $Root 'src/AcmePS/AcmePS.format.ps1xml'
    if (Test-Path $formats) { Copy-Item $formats $ModuleDir }
    # Help: build/HelpGen turns docs/en-US/*.md (platyPS markdown) into en-US/AcmePS.dll-Help.xml and the
    # about_*.help.txt topics. A build-time tool outside AcmePS.sln; the module never loads it. A malformed page fails the build.
    Invoke-Native dotnet 'run', '--project', (Join-Path $Root 'build/HelpGen'), '-c', $Configuration, '--',
        (Join-Path $Root 'docs/en-US'), (Join-Path $ModuleDir 'en-US')

    # Text edits instead of Update-ModuleManifest, which needs PowerShellGet.
    $manifest = Get-Content -Raw (Join-Path $Root 'AcmePS.psd1')
    $versionLine = "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'"
    if ($manifest -notmatch $versionLine) { throw "no ModuleVersion = '...' line in AcmePS.psd1" }
    $stamped = $manifest -replace $versionLine, "`${1}'$version'"
    if (Test-Path $formats) {
        $stamped = $stamped -replace '(?m)^(\s*FormatsToProcess\s*=\s*)@\(\)', "`${1}@('AcmePS.format.ps1xml')"
        if ($stamped -notmatch 'AcmePS\.format\.ps1xml') { throw "no FormatsToProcess = @() line in AcmePS.psd1" }
    }
    $psd1 = Join-Path $ModuleDir 'AcmePS.psd1'
    Set-Content -Path $psd1 -Value $stamped -Encoding utf8NoBOM -NoNewline
    $m = Test-ModuleManifest -Path $psd1
    if ($m.Version -ne [version]$version) { throw "manifest version $($m.Version) != $version" }
    "module: $ModuleDir (AcmePS $version, $($dlls.Count) dlls)"
}

function Install-TestPackages {
    $missing = @($TestPackages.Keys | Where-Object {
            $TestPackages[$_] | Where-Object { -not (Get-Command $_ -CommandType Application -ErrorAction SilentlyContinue) }
        })
    if (-not $missing) { return }
    if ((& id -u) -ne '0') { throw "missing Debian packages: $($missing -join ' '). Run: sudo apt-get install -y --no-install-recommends $($missing -join ' ')" }
    $env:DEBIAN_FRONTEND = 'noninteractive'
    # A fresh CI image may never have run apt-get update, so its package lists are empty.
    Invoke-Native apt-get 'update'
    Invoke-Native apt-get (@('install', '-y', '--no-install-recommends') + $missing)
}

# npm tools the tests need: package -> exact version, installed under out/tools (tests/Azurite.psm1 finds azurite there).
$TestNpmTools = [ordered]@{
    'azurite' = '3.35.0'   # 3.36+ want Node 21/22; Debian's Node is 20
}

function Install-TestNpmTools {
    $tools = Join-Path $Out 'tools'
    $missing = @($TestNpmTools.Keys | Where-Object {
            $pkg = Join-Path $tools "node_modules/$_/package.json"
            -not (Test-Path $pkg) -or (Get-Content -Raw $pkg | ConvertFrom-Json).version -ne $TestNpmTools[$_]
        })
    if (-not $missing) { return }
    if (-not (Get-Command npm -CommandType Application -ErrorAction SilentlyContinue)) {
        if ((& id -u) -ne '0') { throw 'npm is missing. Run: sudo apt-get install -y --no-install-recommends nodejs npm' }
        $env:DEBIAN_FRONTEND = 'noninteractive'
        Invoke-Native apt-get 'update'
        Invoke-Native apt-get @('install', '-y', '--no-install-recommends', 'nodejs', 'npm')
    }
    $null = New-Item -ItemType Directory -Force -Path $tools
    Invoke-Native npm (@('install', '--prefix', $tools, '--save-exact', '--no-audit', '--no-fund', '--loglevel', 'error') +
        @($missing | ForEach-Object { "$_@$($TestNpmTools[$_])" }))
}

function Read-TrxCounts([string]$Path) {
    $c = ([xml](Get-Content -Raw $Path)).TestRun.ResultSummary.Counters
    # Failed, errors and timeouts all count as failed tests.
    @{ Passed = [int]$c.GetAttribute('passed'); Failed = [int]$c.GetAttribute('failed') + [int]$c.GetAttribute('error') + [int]$c.GetAttribute('timeout') }
}

function Read-TrxFailures([string]$Path) {
    # The names of the failed tests, for the tail of the log (CI shows only the tail).
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    Select-Xml -Path $Path -Namespace $ns -XPath '//t:UnitTestResult[@outcome!="Passed" and @outcome!="NotExecuted"]' |
        ForEach-Object { "  $($_.Node.testName) ($($_.Node.outcome))" }
}

function Invoke-TestTask {
    $passed = 0; $failed = 0
    try {
        Install-TestPackages
        Install-TestNpmTools
        Invoke-BuildTask
        $null = New-Item -ItemType Directory -Force -Path $ResultsDir
        $trx = Join-Path $ResultsDir 'xunit.trx'
        $pesterJson = Join-Path $ResultsDir 'pester.json'
        Remove-Item $trx, $pesterJson -ErrorAction SilentlyContinue   # never read a stale run

        & dotnet test (Join-Path $Root 'tests/AcmePS.Core.Tests') -c $Configuration --no-build --nologo `
            --logger 'trx;LogFileName=xunit.trx' --results-directory $ResultsDir
        $rc = $LASTEXITCODE   # 1 also means "some tests failed": the trx tells
        if (Test-Path $trx) { $x = Read-TrxCounts $trx }
        elseif ($rc -eq 0) { $x = @{ Passed = 0; Failed = 0 } }   # nothing ran; the total check below decides
        else { throw "dotnet test crashed (exit $rc, no $trx)" }
        "xunit: $($x.Passed) passed, $($x.Failed) failed"
        $passed += $x.Passed; $failed += $x.Failed

        $env:ACMEPS_MODULE_PATH = Join-Path $ModuleDir 'AcmePS.psd1'
        $rc = Invoke-ChildPwsh -Arguments @('-File', (Join-Path $Root 'build/Invoke-Pester.ps1'))
        if (-not (Test-Path $pesterJson)) { throw "the Pester run crashed (exit $rc, no $pesterJson)" }
        $p = Get-Content -Raw $pesterJson | ConvertFrom-Json
        $passed += $p.passed; $failed += $p.failed
        if ($x.Failed -gt 0) { "xunit failed:"; Read-TrxFailures $trx }
        if ($rc -ne 0 -and $p.failed -eq 0) { throw "the Pester run exited $rc with no failed tests (no tests found?)" }
    } catch {
        # Count a crash as a failure so the closing line below still says what happened.
        Write-Host "ERROR: $_"
        $failed += 1
    }
    if ($passed + $failed -eq 0) { Write-Host 'ERROR: no tests ran'; $failed = 1 }
    # CI reads this exact form from the last line.
    "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-DemoTask {
    Install-TestPackages   # the demo runs its own Pebble: a fresh machine needs the package first
    Invoke-BuildTask
    $env:ACMEPS_MODULE_PATH = Join-Path $ModuleDir 'AcmePS.psd1'   # the module just built, whatever the caller had set
    $rc = Invoke-ChildPwsh -Arguments @('-File', (Join-Path $Root 'build/Demo.ps1'))
    if ($rc -ne 0) { throw "build/Demo.ps1 failed with exit code $rc" }
}

function Invoke-BenchTask {
    Install-TestPackages   # the benchmark runs its own Pebble; lego and certbot are measured only where installed
    Invoke-BuildTask
    $env:ACMEPS_MODULE_PATH = Join-Path $ModuleDir 'AcmePS.psd1'   # the module just built, whatever the caller had set
    $rc = Invoke-ChildPwsh -Arguments @('-File', (Join-Path $Root 'bench/Invoke-Benchmark.ps1'))
    if ($rc -ne 0) { throw "bench/Invoke-Benchmark.ps1 failed with exit code $rc" }
}

function Invoke-PackageTask {
    Invoke-BuildTask
    $zip = Join-Path $Out 'AcmePS.zip'
    Remove-Item $zip -ErrorAction SilentlyContinue
    # Azure Automation wants <ModuleName>.zip with the module folder inside: includeBaseDirectory = $true.
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [System.IO.Compression.ZipFile]::CreateFromDirectory($ModuleDir, $zip, [System.IO.Compression.CompressionLevel]::Optimal, $true)

    $tmp = Join-Path ([System.IO.Path]::GetTempPath()) ('acmeps-pkg-' + [guid]::NewGuid().ToString('N'))
    try {
        Expand-Archive -Path $zip -DestinationPath $tmp
        $psd1 = Join-Path $tmp 'AcmePS/AcmePS.psd1'
        $check = @"
`$ErrorActionPreference = 'Stop'
`$want = (Import-PowerShellDataFile '$psd1').CmdletsToExport
Import-Module '$psd1'
`$have = @((Get-Command -Module AcmePS).Name)
`$missing = @(`$want | Where-Object { `$_ -notin `$have })
if (`$missing) { Write-Host "missing cmdlets: `$(`$missing -join ', ')"; exit 1 }
Write-Host "package imports: `$(`$have.Count) cmdlets exported"
"@
        $rc = Invoke-ChildPwsh -Arguments @('-Command', $check)
        if ($rc -ne 0) {
            Remove-Item $zip   # never leave a broken package behind
            throw "the packaged module failed to import or lacks cmdlets (exit $rc)"
        }
    } finally {
        Remove-Item $tmp -Recurse -Force -ErrorAction SilentlyContinue
    }
    "package: $zip ($((Get-Item $zip).Length) bytes)"
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Test' { Invoke-TestTask }
    'Demo' { Invoke-DemoTask }
    'Package' { Invoke-PackageTask }
    'Bench' { Invoke-BenchTask }
}
