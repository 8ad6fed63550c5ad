# tls-alpn-01 (RFC 8737, RFC 8738 for addresses) through the built-in TlsAlpn plugin, validated by Pebble on its tlsPort;
# and the draft challenge types (dns-account-01, dns-persist-01), which Pebble 2.4.0 does not offer.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:TlsPort = $script:Env.Server.TlsPort
    $script:Alpn = @{ Address = '127.0.0.1'; Port = $script:TlsPort }

    function Get-PemCertificate([string]$Path) {
        $chain = [Security.Cryptography.X509Certificates.X509Certificate2Collection]::new(); $chain.ImportFromPemFile($Path)
        $chain[0]
    }
}

AfterAll { Stop-TestEnvironment $script:Env }

Describe 'tls-alpn-01 against Pebble' {
    It 'validates a DNS name step by step, and closes the listener afterwards' {
        $name = New-UniqueName 'alpn'
        $challenge = New-AcmeOrder -DnsName $name | Get-AcmeChallenge -Type tls-alpn-01
        $challenge.Type | Should -Be 'tls-alpn-01'
        $challenge.KeyAuthorization | Should -Match '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
        $published = $challenge | Publish-AcmeTlsAlpnChallenge @script:Alpn
        $published.PublishedBy | Should -Be 'TlsAlpn'
        Test-TcpOpen $script:TlsPort | Should -BeTrue
        $cert = $published | Submit-AcmeChallenge | Complete-AcmeOrder
        $cert.DnsNames | Should -Be @($name)
        (Get-PemCertificate $cert.CertificatePath).Subject | Should -Not -BeNullOrEmpty
        Test-TcpOpen $script:TlsPort | Should -BeFalse
        Get-Content $script:Env.Server.PebbleLog -Raw | Should -Match ([regex]::Escape($name))
    }

    It 'validates an IP address (Pebble sends the in-addr.arpa name as SNI)' {
        $cert = New-AcmeOrder -IPAddress 127.0.0.1 -Name alpn-ip | Get-AcmeChallenge -Type tls-alpn-01 |
            Publish-AcmeTlsAlpnChallenge @script:Alpn | Submit-AcmeChallenge | Complete-AcmeOrder
        $cert.IPAddresses | Should -Be @('127.0.0.1')
        $san = (Get-PemCertificate $cert.CertificatePath).Extensions | Where-Object { $_.Oid.Value -eq '2.5.29.17' }
        $san.Format($false) | Should -Match '127\.0\.0\.1'
        Test-TcpOpen $script:TlsPort | Should -BeFalse
        # What Pebble 2.4.0 sent as SNI: the reverse-DNS name of RFC 8738 §6 (the responder notes the names it saw).
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AcmePS.Core' } | Select-Object -First 1
        $core.GetType('AcmePS.Core.Plugins.TlsAlpnResponder')::RecentServerNames | Should -Contain '1.0.0.127.in-addr.arpa'
    }

    It 'issues with New-AcmeCertificate -ChallengeType tls-alpn-01 -Plugin TlsAlpn, several names on one listener' {
        $a = New-UniqueName 'alpa'; $b = New-UniqueName 'alpb'
        $cert = New-AcmeCertificate -DnsName $a, $b -ChallengeType tls-alpn-01 -Plugin TlsAlpn -PluginParameters $script:Alpn
        $cert.DnsNames | Sort-Object | Should -Be (@($a, $b) | Sort-Object)
        Test-TcpOpen $script:TlsPort | Should -BeFalse
    }

    It 'is refused by the CA when the certificate does not carry the key authorization' {
        $name = New-UniqueName 'alpnbad'
        $challenge = New-AcmeOrder -DnsName $name | Get-AcmeChallenge -Type tls-alpn-01
        $challenge.KeyAuthorization = 'wrongtoken.wrongthumbprint'
        $challenge | Publish-AcmeTlsAlpnChallenge @script:Alpn | Submit-AcmeChallenge -ErrorVariable ev -ErrorAction SilentlyContinue
        Get-ErrorId $ev | Should -Contain 'AcmeAuthorizationInvalid'
        Test-TcpOpen $script:TlsPort | Should -BeFalse
    }

    It 'stops listening when New-AcmeCertificate is stopped (Ctrl+C) while it waits for the CA' {
        $r = Stop-IssuanceWhileValidating -HangPort $script:TlsPort -ChallengeType tls-alpn-01 -Plugin TlsAlpn -Name (New-UniqueName 'alpnstop')
        $r.ListeningBefore | Should -BeTrue -Because 'the answer is served while the CA validates'
        $r.State | Should -Be 'Stopped'
        $r.ListeningAfter | Should -BeFalse
    }

    It 'writes a clear error for a port already in use and for a challenge of another type' {
        $busy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $busy.Start()
        try {
            $port = ([System.Net.IPEndPoint]$busy.LocalEndpoint).Port
            $c = New-AcmeOrder -DnsName (New-UniqueName 'alpnbusy') | Get-AcmeChallenge -Type tls-alpn-01
            $out = $c | Publish-AcmeTlsAlpnChallenge -Address 127.0.0.1 -Port $port -ErrorVariable ev -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            Get-ErrorId $ev | Should -Be 'AcmeTlsAlpnListenFailed'
        }
        finally { $busy.Stop() }
        $dns = New-AcmeOrder -DnsName (New-UniqueName 'alpndns') | Get-AcmeChallenge -Type dns-01
        $dns | Publish-AcmeTlsAlpnChallenge @script:Alpn -ErrorVariable ev2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev2 | Should -Be 'AcmePluginChallengeTypeUnsupported'
        Test-TcpOpen $script:TlsPort | Should -BeFalse
    }
}

Describe 'dns-account-01 and dns-persist-01' {
    It 'says clearly that the CA does not offer <_>' -ForEach 'dns-account-01', 'dns-persist-01' {
        $type = $_
        $order = New-AcmeOrder -DnsName (New-UniqueName 'draft')
        $order | Get-AcmeChallenge -Type $type -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeChallengeTypeNotOffered'
        $ev[0].Exception.Message | Should -Match "offers no $type challenge"
    }
}
