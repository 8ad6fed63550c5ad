# Tests of the test fixture itself (tests/TestServers.psm1): pebble + challtestsrv on free loopback ports.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestServers.psm1') -Force
    $script:s = Start-AcmeTestServer
    function ConvertFrom-PemCert([string]$Pem) { [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($Pem) }
}
AfterAll {
    if ($script:s) { Stop-AcmeTestServer -Server $script:s }
}

Describe 'Start-AcmeTestServer' {
    It 'serves an ACME directory on 127.0.0.1' {
        $s.DirectoryUrl | Should -Match '^https://127\.0\.0\.1:\d+/dir$'
        $dir = Invoke-RestMethod $s.DirectoryUrl -SkipCertificateCheck
        $dir.newAccount | Should -Not -BeNullOrEmpty
        $dir.newOrder | Should -Not -BeNullOrEmpty
        $dir.newNonce | Should -Not -BeNullOrEmpty
    }

    It 'writes TrustedRoot as a PEM certificate for localhost and 127.0.0.1' {
        $s.TrustedRoot | Should -Exist
        $pem = Get-Content $s.TrustedRoot -Raw
        $pem | Should -Match '^-----BEGIN CERTIFICATE-----'
        $cert = ConvertFrom-PemCert $pem
        $cert.Subject | Should -Be 'CN=localhost'
        ($cert.Extensions | Where-Object { $_.Oid.Value -eq '2.5.29.17' }).Format($false) | Should -Match '127\.0\.0\.1'
    }

    It 'is trusted through TrustedRoot alone (curl --cacert)' -Skip:(-not (Get-Command curl -ErrorAction SilentlyContinue)) {
        # curl does the full name/IP check against the generated certificate, as the C# engine must.
        $out = & curl -sS --fail --cacert $s.TrustedRoot $s.DirectoryUrl 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        ($out -join "`n") | ConvertFrom-Json | Select-Object -ExpandProperty newOrder | Should -Not -BeNullOrEmpty
    }

    It 'passes the nonce and authz-reuse percentages to pebble' {
        $log = Get-Content $s.PebbleLog -Raw
        $log | Should -Match 'reject 0% of good nonces'
        $log | Should -Match 'authz reuse for each identifier 0%'
        $log | Should -Match 'Disabling random VA sleeps'
    }
}

Describe 'Get-AcmeTestRoot' {
    It 'returns the issuing root and an intermediate issued by it' {
        $r = Get-AcmeTestRoot -Server $s
        $r.Root | Should -Match '^-----BEGIN CERTIFICATE-----'
        $root = ConvertFrom-PemCert $r.Root
        $int = ConvertFrom-PemCert $r.Intermediate
        $root.Subject | Should -Match 'Pebble Root CA'
        $int.Issuer | Should -Be $root.Subject
    }
}

Describe 'Get-AcmeTestCertStatus' {
    It 'throws for a serial pebble never issued' {
        { Get-AcmeTestCertStatus -Server $s -Serial '0A1B2C' } | Should -Throw '*no certificate with serial a1b2c*'
    }
}

Describe 'pebble-challtestsrv' {
    It 'accepts TXT records (set-txt / clear-txt)' {
        $body = @{ host = '_acme-challenge.fixture.example.test.'; value = 'abc' } | ConvertTo-Json
        (Invoke-WebRequest "$($s.ChallTestSrvUrl)/set-txt" -Method Post -Body $body).StatusCode | Should -Be 200
        $body = @{ host = '_acme-challenge.fixture.example.test.' } | ConvertTo-Json
        (Invoke-WebRequest "$($s.ChallTestSrvUrl)/clear-txt" -Method Post -Body $body).StatusCode | Should -Be 200
    }

    It 'serves http-01 tokens on HttpPort (the port pebble validates against)' {
        $body = @{ token = 'fixturetoken'; content = 'fixturetoken.thumb' } | ConvertTo-Json
        Invoke-RestMethod "$($s.ChallTestSrvUrl)/add-http01" -Method Post -Body $body | Out-Null
        Invoke-RestMethod "http://127.0.0.1:$($s.HttpPort)/.well-known/acme-challenge/fixturetoken" | Should -Be 'fixturetoken.thumb'
        (Get-Content (Join-Path $s.WorkDir 'pebble-config.json') -Raw | ConvertFrom-Json).pebble.httpPort | Should -Be $s.HttpPort
        $s.Http01Port | Should -Be $s.HttpPort
    }
}

Describe 'a second server and Stop-AcmeTestServer' {
    It 'runs beside the first on other ports, and Stop ends its processes and removes WorkDir' {
        $t = Start-AcmeTestServer -NonceRejectPercent 50 -AuthzReusePercent 100
        try {
            $ports = { param($x) @(([uri]$x.DirectoryUrl).Port, ([uri]$x.ManagementUrl).Port, ([uri]$x.ChallTestSrvUrl).Port, $x.HttpPort, $x.DnsPort) }
            $mine = & $ports $s; $theirs = & $ports $t
            $theirs | Where-Object { $_ -in $mine } | Should -BeNullOrEmpty
            $t.WorkDir | Should -Not -Be $s.WorkDir
            (Invoke-RestMethod $t.DirectoryUrl -SkipCertificateCheck).newNonce | Should -Not -BeNullOrEmpty
            Get-Content $t.PebbleLog -Raw | Should -Match 'reject 50% of good nonces'
            Get-Content $t.PebbleLog -Raw | Should -Match 'authz reuse for each identifier 100%'
        } finally {
            Stop-AcmeTestServer -Server $t
        }
        Get-Process -Id $t.PebblePid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Process -Id $t.ChallTestSrvPid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $t.WorkDir | Should -Not -Exist
        # the first server is untouched
        (Invoke-RestMethod $s.DirectoryUrl -SkipCertificateCheck).newNonce | Should -Not -BeNullOrEmpty
    }
}

Describe 'Start-AcmeTestServer -SeparateHttp01Port' {
    It 'points Pebble''s http-01 validation at a free port of its own (Http01Port), where nothing listens yet' {
        $t = Start-AcmeTestServer -SeparateHttp01Port
        try {
            $t.Http01Port | Should -Not -Be $t.HttpPort
            $t.Http01Port | Should -Not -BeIn @(([uri]$t.DirectoryUrl).Port, ([uri]$t.ManagementUrl).Port, ([uri]$t.ChallTestSrvUrl).Port, $t.DnsPort)
            (Get-Content (Join-Path $t.WorkDir 'pebble-config.json') -Raw | ConvertFrom-Json).pebble.httpPort | Should -Be $t.Http01Port
            $c = [System.Net.Sockets.TcpClient]::new()
            try { { $c.Connect('127.0.0.1', $t.Http01Port) } | Should -Throw } finally { $c.Dispose() }
        } finally {
            Stop-AcmeTestServer -Server $t
        }
    }
}
