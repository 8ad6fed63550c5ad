# Crash safety: pwsh processes issuing into one vault are killed with SIGKILL at random moments. Afterwards the vault
# loads, the account key is intact, and every order is either complete (its certificate exports with its key) or
# resumable (New-AcmeCertificate for the same name completes it).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Cts = @{ ManagementUrl = $script:Env.Server.ChallTestSrvUrl }
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-crash-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory $script:Work
    $script:Worker = Join-Path $script:Work 'worker.ps1'
    Set-Content $script:Worker -Value @'
param($ModulePath, $NamesFile, $LogFile, $ManagementUrl)
Import-Module $ModulePath
foreach ($name in Get-Content $NamesFile) {
    Add-Content $LogFile "start $name $([DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds())"
    $null = New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters @{ ManagementUrl = $ManagementUrl } -ErrorAction Continue
    Add-Content $LogFile "done $name $([DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds())"
}
'@

    function Get-LogNames([string]$Log, [string]$Event) {
        @(if (Test-Path $Log) { Get-Content $Log | Where-Object { $_ -like "$Event *" } | ForEach-Object { ($_ -split ' ')[1] } })
    }

    function Start-Worker([string]$NamesFile, [string]$Log) {
        $process = Start-TestPwsh $script:Worker @((Get-Module AcmePS).Path, $NamesFile, $Log, $script:Cts.ManagementUrl)
        $null = $process.StandardOutput.ReadToEndAsync(); $null = $process.StandardError.ReadToEndAsync()
        $process
    }

    function Stop-WorkerSoon($Process, [string]$Log, [Random]$Random) {
        # Lets the worker complete 0, 1 or 2 issuances, then kills it at a random moment inside the next one: in a
        # request, a key generation or a vault write. Returns whether it was killed.
        $before = @(if (Test-Path $Log) { Get-Content $Log }).Count
        $complete = $Random.Next(0, 3)
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not $Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            $new = @(Get-Content $Log -ErrorAction SilentlyContinue | Select-Object -Skip $before)
            if (@($new | Where-Object { $_ -like 'start *' }).Count -gt $complete) { break }
            Start-Sleep -Milliseconds 10
        }
        $window = if ($complete -eq 0) { $script:ColdMs } else { 2 * $script:WarmMs }
        $killed = $false
        if (-not $Process.WaitForExit($Random.Next(0, $window))) { $Process.Kill(); $killed = $true }   # SIGKILL on Unix
        $Process.WaitForExit()
        $killed
    }

    # How long a worker's first issuance (cold: module JIT, first key, first TLS handshake) and a later one take on
    # this machine now.
    $probeLog = Join-Path $script:Work 'probe-log.txt'; $probeNames = Join-Path $script:Work 'probe-names.txt'
    Set-Content $probeNames -Value (New-UniqueName 'probe'), (New-UniqueName 'probe')
    (Start-Worker $probeNames $probeLog).WaitForExit()
    $stamps = @(Get-Content $probeLog | ForEach-Object { [long]($_ -split ' ')[2] })
    $script:ColdMs = [int][Math]::Max(200, $stamps[1] - $stamps[0])
    $script:WarmMs = [int][Math]::Max(50, $stamps[3] - $stamps[2])

    function Assert-Exportable([string]$Name) {
        $certificate = Get-AcmeCertificate -Name $Name
        $pfx = Join-Path $script:Work "$Name.pfx"
        Export-AcmeCertificate -Name $Name -Path $pfx -Password (ConvertTo-SecureString 'p' -AsPlainText -Force)
        $x509 = [Security.Cryptography.X509Certificates.X509Certificate2]::new($pfx, 'p')
        $x509.HasPrivateKey | Should -BeTrue
        $x509.Thumbprint | Should -Be $certificate.Thumbprint
    }
}

AfterAll {
    Stop-TestEnvironment $script:Env
    if ($script:Work) { Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'A vault whose writers are killed with SIGKILL' {
    It 'loads afterwards with the account intact, and every one of 50 orders is complete or resumable' {
        $names = 1..50 | ForEach-Object { New-UniqueName "crash$_" }
        $log = Join-Path $script:Work 'log.txt'
        $namesFile = Join-Path $script:Work 'names.txt'
        $random = [Random]::new(20261128)
        $kills = 0
        for ($round = 0; $round -lt 60; $round++) {
            $started = Get-LogNames $log 'start'
            $left = @($names | Where-Object { $_ -notin $started })
            if ($left.Count -eq 0) { break }
            Set-Content $namesFile -Value $left
            $process = Start-Worker $namesFile $log
            if (Stop-WorkerSoon $process $log $random) { $kills++ }
        }
        $kills | Should -BeGreaterThan 7 -Because 'the test is about processes killed mid-issuance'
        $attempted = @(Get-LogNames $log 'start' | Sort-Object -Unique)
        $attempted | Should -HaveCount 50

        # The vault loads: the account, with a key that still signs (a new issuance with it works).
        (Get-AcmeAccount).Status | Should -Be 'valid'
        $probe = New-UniqueName 'after'
        (New-AcmeCertificate -DnsName $probe -Plugin ChallTestSrv -PluginParameters $script:Cts).Name | Should -Be $probe

        # Every order loads; complete ones export with their key, the others complete when run again.
        $orders = @(Get-AcmeOrder)
        $complete = 0; $resumed = 0
        foreach ($name in $names) {
            $order = $orders | Where-Object Name -eq $name
            $certificate = if ($order) { Get-AcmeCertificate -Name $name -ErrorAction SilentlyContinue }
            if ($order -and $order.Status -eq 'valid' -and $certificate) {
                Assert-Exportable $name
                $complete++
            }
            else {
                if ($order) { $null = Get-AcmeOrder -Name $name -Refresh }
                $cert = New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts
                $cert.Name | Should -Be $name
                $resumed++
            }
        }
        Write-Host "crash test: $kills kills (issuance $($script:ColdMs) ms cold, $($script:WarmMs) ms warm), $complete complete, $resumed resumed"
        ($complete + $resumed) | Should -Be 50
    }
}

Describe 'Renewals killed with SIGKILL' {
    It 'always leave a certificate that exports with its own key: the previous one or the new one' {
        $names = 1..6 | ForEach-Object { New-UniqueName "renew$_" }
        foreach ($name in $names) { $null = New-AcmeCertificate -Name $name -DnsName $name -Plugin ChallTestSrv -PluginParameters $script:Cts }
        $log = Join-Path $script:Work 'renew-log.txt'
        $namesFile = Join-Path $script:Work 'renew-names.txt'
        Set-Content $namesFile -Value ($names + $names + $names)   # each worker renews each name up to three times
        $random = [Random]::new(1128)
        $kills = 0
        for ($round = 0; $round -lt 15; $round++) {
            if (Stop-WorkerSoon (Start-Worker $namesFile $log) $log $random) { $kills++ }
        }
        $kills | Should -BeGreaterThan 7
        @(Get-LogNames $log 'done').Count | Should -BeGreaterThan 0 -Because 'some renewals completed between the kills'
        foreach ($name in $names) { Assert-Exportable $name }
    }
}
