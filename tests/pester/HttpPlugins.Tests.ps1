# The built-in http-01 plugins SelfHost and WebRoot, validated by a real Pebble against this test's own listeners:
# Pebble's httpPort is a free port (Http01Port) where only what a test starts listens; names resolve to 127.0.0.1
# through challtestsrv's DNS.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Server = Start-AcmeTestServer -SeparateHttp01Port
    $script:Vault = New-TestVault
    $null = Initialize-TestAccount $script:Server
    $script:Port = $script:Server.Http01Port

    function Get-Answer([string]$Path) {
        Invoke-WebRequest -Uri "http://127.0.0.1:$script:Port$Path" -SkipHttpErrorCheck -TimeoutSec 10
    }

    # A static file server for WebRoot, independent of SelfHost: a loopback TcpListener served by a runspace of its
    # own; it answers files under $Root and records the paths asked for.
    function Start-TestFileServer([string]$Root, [int]$Port) {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $Port)
        $listener.Start()
        $log = [Collections.Concurrent.ConcurrentQueue[string]]::new()
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Listener, $Root, $Log)
                while ($true) {
                    try { $client = $Listener.AcceptTcpClient() } catch { break }
                    try {
                        $stream = $client.GetStream(); $stream.ReadTimeout = 5000
                        $reader = [IO.StreamReader]::new($stream, [Text.Encoding]::ASCII)
                        $path = (($reader.ReadLine() -split ' ')[1] -split '\?')[0]
                        while ($reader.ReadLine()) { }
                        $Log.Enqueue($path)
                        $file = Join-Path $Root $path.TrimStart('/')
                        if ($path -notmatch '\.\.' -and [IO.File]::Exists($file)) { $status = '200 OK'; $body = [IO.File]::ReadAllBytes($file) }
                        else { $status = '404 Not Found'; $body = [Text.Encoding]::ASCII.GetBytes('not found') }
                        $head = [Text.Encoding]::ASCII.GetBytes("HTTP/1.1 $status`r`nContent-Length: $($body.Length)`r`nConnection: close`r`n`r`n")
                        $stream.Write($head, 0, $head.Length); $stream.Write($body, 0, $body.Length)
                    }
                    catch { }
                    finally { $client.Dispose() }
                }
            }).AddArgument($listener).AddArgument($Root).AddArgument($log)
        $handle = $ps.BeginInvoke()
        [pscustomobject]@{ Listener = $listener; PowerShell = $ps; Handle = $handle; Log = $log }
    }

    function Stop-TestFileServer($FileServer) {
        if (-not $FileServer) { return }
        $FileServer.Listener.Stop()
        $null = $FileServer.Handle.AsyncWaitHandle.WaitOne(10000)
        $FileServer.PowerShell.Dispose()
    }
}

AfterAll {
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    Remove-TestVault $script:Vault
}

Describe 'SelfHost' {
    It 'issues through New-AcmeCertificate -ChallengeType http-01, and stops listening afterwards' {
        Test-TcpOpen $script:Port | Should -BeFalse -Because 'nothing listens on Pebble''s http-01 port before'
        $name = New-UniqueName 'sh'
        # the default address: every address (dual-stack), which Pebble reaches on 127.0.0.1
        $cert = New-AcmeCertificate -DnsName $name -ChallengeType http-01 -Plugin SelfHost -PluginParameters @{ Port = $script:Port }
        $cert.DnsNames | Should -Be @($name)
        Test-TcpOpen $script:Port | Should -BeFalse
        (Get-AcmeOrder -Name $name).Status | Should -Be 'valid'
    }

    It 'serves every published token from one listener, exactly, 404 for anything else, until Submit-AcmeChallenge removes them' {
        $names = @((New-UniqueName 'sa'), (New-UniqueName 'sb'))
        $published = @(New-AcmeOrder -DnsName $names | Get-AcmeChallenge -Type http-01 |
                Publish-AcmeSelfHostChallenge -Port $script:Port -Address 127.0.0.1)
        $published.Count | Should -Be 2
        $published.PublishedBy | Sort-Object -Unique | Should -Be 'SelfHost'
        foreach ($c in $published) {
            $r = Get-Answer $c.HttpPath
            $r.StatusCode | Should -Be 200
            $r.Content | Should -BeExactly $c.HttpContent
        }
        (Get-Answer '/.well-known/acme-challenge/nosuchtoken').StatusCode | Should -Be 404
        (Get-Answer '/').StatusCode | Should -Be 404

        $order = $published | Submit-AcmeChallenge
        $order.Status | Should -Be 'ready'
        Test-TcpOpen $script:Port | Should -BeFalse
        ($order | Complete-AcmeOrder).DnsNames | Sort-Object | Should -Be ($names | Sort-Object)
    }

    It 'shares one listener between certificates issued at once (-ThrottleLimit), and stops it after the last' {
        $names = 1..3 | ForEach-Object { New-UniqueName "st$_" }
        $certs = @($names | ForEach-Object { [pscustomobject]@{ DnsName = $_ } } |
                New-AcmeCertificate -ChallengeType http-01 -Plugin SelfHost -PluginParameters @{ Port = $script:Port; Address = '127.0.0.1' } -ThrottleLimit 3)
        $certs.DnsNames | Sort-Object | Should -Be ($names | Sort-Object)
        Test-TcpOpen $script:Port | Should -BeFalse
    }

    It 'reports a port already in use as AcmeSelfHostListenFailed, and New-AcmeCertificate fails before the CA is asked to validate' {
        $busy = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $script:Port); $busy.Start()
        try {
            $name = New-UniqueName 'busy'
            New-AcmeCertificate -DnsName $name -ChallengeType http-01 -Plugin SelfHost -PluginParameters @{ Port = $script:Port; Address = '127.0.0.1' } `
                -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $ids = Get-ErrorId $ev
            $ids | Should -Contain 'AcmeSelfHostListenFailed'
            $ids | Should -Contain 'AcmePluginPublishFailed'
            ($ev | Where-Object { $_.FullyQualifiedErrorId -like 'AcmeSelfHostListenFailed,*' }).Exception.Message | Should -Match "127\.0\.0\.1:$script:Port"
            (Get-AcmeOrder -Name $name).Status | Should -Be 'pending'
        }
        finally { $busy.Stop() }
    }

    It 'stops listening when New-AcmeCertificate is stopped (Ctrl+C) while it waits for the CA' {
        $r = Stop-IssuanceWhileValidating -HangPort $script:Port -ChallengeType http-01 -Plugin SelfHost -Name (New-UniqueName 'stop')
        $r.ListeningBefore | Should -BeTrue -Because 'the answer is served while the CA validates'
        $r.State | Should -Be 'Stopped'
        $r.ListeningAfter | Should -BeFalse
    }

    It 'refuses an address that is not an IP address, and a dns-01 challenge' {
        $c = New-AcmeOrder -DnsName (New-UniqueName 'bad') | Get-AcmeChallenge -Type http-01
        $c | Publish-AcmeSelfHostChallenge -Port $script:Port -Address 'not-an-ip' -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeSelfHostAddressInvalid'
        $d = New-AcmeOrder -DnsName (New-UniqueName 'dns') | Get-AcmeChallenge -Type dns-01
        $d | Publish-AcmeSelfHostChallenge -Port $script:Port -ErrorVariable ev2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev2 | Should -Be 'AcmePluginChallengeTypeUnsupported'
        Test-TcpOpen $script:Port | Should -BeFalse
    }
}

Describe 'WebRoot' {
    BeforeEach {
        $script:Root = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-webroot-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory -Path $script:Root
        $script:Files = Start-TestFileServer -Root $script:Root -Port $script:Port
    }

    AfterEach {
        Stop-TestFileServer $script:Files
        Remove-Item $script:Root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'issues through New-AcmeCertificate with the files the web server serves, and removes them and the folders it created' {
        $name = New-UniqueName 'wr'
        $cert = New-AcmeCertificate -DnsName $name -ChallengeType http-01 -Plugin WebRoot -PluginParameters @{ Path = $script:Root }
        $cert.DnsNames | Should -Be @($name)
        @($script:Files.Log) | Should -Match '^/\.well-known/acme-challenge/[A-Za-z0-9_-]+$' -Because 'Pebble fetched the answer from this server'
        @(Get-ChildItem $script:Root -Force) | Should -BeNullOrEmpty
    }

    It 'writes the exact content, keeps folders that were there before, and Submit-AcmeChallenge removes the files' {
        $kept = New-Item -ItemType Directory -Path (Join-Path $script:Root '.well-known/acme-challenge') -Force
        Set-Content -Path (Join-Path $kept 'other.txt') -Value 'not ours'
        Push-Location $script:Root
        try {
            # a relative path: resolved against the current location when published
            $published = @(New-AcmeOrder -DnsName (New-UniqueName 'wa') | Get-AcmeChallenge -Type http-01 | Publish-AcmeWebRootChallenge -Path .)
        }
        finally { Pop-Location }
        $file = Join-Path $script:Root ".well-known/acme-challenge/$($published[0].Token)"
        [IO.File]::ReadAllBytes($file) | Should -Be ([Text.Encoding]::ASCII.GetBytes($published[0].HttpContent))
        ($published | Submit-AcmeChallenge).Status | Should -Be 'ready'
        Test-Path $file | Should -BeFalse
        Get-ChildItem -Recurse -File -Force $script:Root | ForEach-Object Name | Should -Be 'other.txt'
    }

    It 'reports a web root that does not exist (AcmeWebRootNotFound) or cannot be written (AcmeWebRootNotWritable)' {
        $missing = Join-Path $script:Root 'no-such-folder'
        New-AcmeCertificate -DnsName (New-UniqueName 'wm') -ChallengeType http-01 -Plugin WebRoot -PluginParameters @{ Path = $missing } `
            -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Contain 'AcmeWebRootNotFound'
        ($ev | Where-Object { $_.FullyQualifiedErrorId -like 'AcmeWebRootNotFound,*' }).Exception.Message | Should -Match ([regex]::Escape($missing))
        Test-Path $missing | Should -BeFalse

        Set-Content -Path (Join-Path $script:Root '.well-known') -Value 'a file where the folder should be'
        New-AcmeOrder -DnsName (New-UniqueName 'wn') | Get-AcmeChallenge -Type http-01 |
            Publish-AcmeWebRootChallenge -Path $script:Root -ErrorVariable ev2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev2 | Should -Be 'AcmeWebRootNotWritable'
    }
}
