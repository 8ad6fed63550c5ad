# Helpers shared by bench/Invoke-Benchmark.ps1 and bench/BenchWorker.ps1 (dot-sourced; no module state).

function Get-AcmeEndpoint {
    # The ACME resource a request went to, from its path on Pebble (Debian pebble 2.4.0 paths).
    param([string]$Method, [string]$Path)
    switch -Regex ($Path) {
        '^/dir\b' { 'directory'; break }
        '^/nonce-plz' { 'newNonce'; break }
        '^/sign-me-up' { 'newAccount'; break }
        '^/my-account/' { 'account'; break }
        '^/order-plz' { 'newOrder'; break }
        '^/authZ/' { 'authz'; break }
        '^/chalZ/' { 'challenge'; break }
        '^/finalize-order/' { 'finalize'; break }
        '^/my-order/' { 'orderPoll'; break }
        '^/certZ/' { 'certificate'; break }
        '^/rollover-account-key' { 'keyChange'; break }
        '^/revoke-cert' { 'revokeCert'; break }
        default { 'other' }
    }
}

# The endpoints shown in the request tables, in protocol order.
$script:AcmeEndpoints = @('directory', 'newNonce', 'newAccount', 'account', 'newOrder', 'authz', 'challenge', 'orderPoll', 'finalize', 'certificate', 'other')

function New-EndpointCounts {
    $h = [ordered]@{}
    foreach ($e in $script:AcmeEndpoints) { $h[$e] = 0 }
    $h
}

function Read-PebbleRequests {
    # Requests Pebble logged after byte $Offset of its log ("Pebble <date> <time> POST /order-plz -> calling handler()").
    # Returns Counts (endpoint -> n), Total and the new Offset. Pebble logs a request before it handles it, so a
    # client that has exited (or a call that has returned) has all its requests in the log.
    param([string]$LogPath, [long]$Offset)
    $fs = [System.IO.File]::Open($LogPath, 'Open', 'Read', 'ReadWrite')
    try {
        $null = $fs.Seek($Offset, 'Begin')
        $reader = [System.IO.StreamReader]::new($fs)
        $text = $reader.ReadToEnd()
        $newOffset = $fs.Position
    } finally { $fs.Dispose() }
    # Only whole lines: a line still being written is read next time.
    $cut = $text.LastIndexOf("`n")
    if ($cut -lt 0) { $text = ''; $newOffset = $Offset }
    else {
        $newOffset = $Offset + [System.Text.Encoding]::UTF8.GetByteCount($text.Substring(0, $cut + 1))
        $text = $text.Substring(0, $cut + 1)
    }
    $counts = New-EndpointCounts
    $total = 0
    foreach ($m in [regex]::Matches($text, '(?m)^Pebble \S+ \S+ (GET|HEAD|POST) (\S+) -> calling handler')) {
        $counts[(Get-AcmeEndpoint $m.Groups[1].Value $m.Groups[2].Value)]++
        $total++
    }
    [pscustomobject]@{ Counts = $counts; Total = $total; Offset = $newOffset }
}

function Get-Stats {
    # Median, min and max of a list of numbers (and the values themselves).
    param([double[]]$Values, [int]$Digits = 1)
    $v = @($Values | Sort-Object)
    if ($v.Count -eq 0) { return [ordered]@{ median = $null; min = $null; max = $null; n = 0; values = @() } }
    $mid = [math]::Floor($v.Count / 2)
    $median = if ($v.Count % 2) { $v[$mid] } else { ($v[$mid - 1] + $v[$mid]) / 2 }
    [ordered]@{
        median = [math]::Round($median, $Digits)
        min    = [math]::Round($v[0], $Digits)
        max    = [math]::Round($v[-1], $Digits)
        n      = $v.Count
        values = @($Values | ForEach-Object { [math]::Round($_, $Digits) })
    }
}

function Get-PeakWorkingSetMB {
    # Peak resident set of this process: VmHWM on Linux, else PeakWorkingSet64.
    $status = "/proc/$PID/status"
    if (Test-Path $status) {
        $line = Select-String -Path $status -Pattern '^VmHWM:\s+(\d+) kB' | Select-Object -First 1
        if ($line) { return [math]::Round([double]$line.Matches[0].Groups[1].Value / 1024, 1) }
    }
    [math]::Round([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
}
