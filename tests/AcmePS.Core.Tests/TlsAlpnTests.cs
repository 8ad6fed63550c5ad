#nullable enable
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AcmePS.Core.Challenges;
using AcmePS.Core.Plugins;
using AcmePS.Core.Tests.Fakes;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>The tls-alpn-01 certificate (RFC 8737 §3, RFC 8738 §6) and the responder, checked with .NET's own TLS client.</summary>
public class TlsAlpnTests
{
    private const string KeyAuthorization = "tokenABC.thumbprintXYZ";
    private static readonly SslApplicationProtocol AcmeTls1 = new("acme-tls/1");

    [Fact]
    public void CertificateHasTheCriticalAcmeIdentifierExtensionWithTheDigestAndTheNameAsSan()
    {
        var cert = TlsAlpnCertificate.Create("www.example.test", KeyAuthorization);

        var ext = cert.Certificate.CertificateStructure.TbsCertificate.Extensions.GetExtension(new DerObjectIdentifier("1.3.6.1.5.5.7.1.31"));
        Assert.NotNull(ext);
        Assert.True(ext.IsCritical);
        // extnValue holds the DER of an OCTET STRING of the 32-byte SHA-256: 04 20 || digest.
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes(KeyAuthorization));
        Assert.Equal(new byte[] { 0x04, 0x20 }.Concat(digest).ToArray(), ext.Value.GetOctets());
        var names = GeneralNames.GetInstance(cert.Certificate.GetExtensionValue(X509Extensions.SubjectAlternativeName).GetOctets()).GetNames();
        Assert.Equal(GeneralName.DnsName, Assert.Single(names).TagNo);
        Assert.Equal("www.example.test", names[0].Name.ToString());
        cert.Certificate.Verify(cert.Certificate.GetPublicKey()); // self-signed
    }

    [Fact]
    public void CertificateForAnIpAddressHasAnIpAddressSan()
    {
        var cert = TlsAlpnCertificate.Create("127.0.0.1", KeyAuthorization);

        var names = GeneralNames.GetInstance(cert.Certificate.GetExtensionValue(X509Extensions.SubjectAlternativeName).GetOctets()).GetNames();
        Assert.Equal(GeneralName.IPAddress, Assert.Single(names).TagNo);
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, Asn1OctetString.GetInstance(names[0].Name).GetOctets());
        Assert.Equal("1.0.0.127.in-addr.arpa", cert.ServerName);
    }

    [Fact]
    public void AWildcardCannotBeAnsweredWithTlsAlpn()
    {
        var ex = Assert.Throws<AcmeException>(() => TlsAlpnCertificate.Create("*.example.test", KeyAuthorization));
        Assert.Equal("AcmeTlsAlpnIdentifierInvalid", ex.ErrorId);
    }

    [Theory]
    [InlineData(SslProtocols.Tls13)]
    [InlineData(SslProtocols.Tls12)]
    public async Task HandshakeNegotiatesAcmeTls1AndServesTheCertificateOfTheServerName(SslProtocols protocol)
    {
        int port = FreePort();
        TlsAlpnResponder.Publish("127.0.0.1", port, "a.example.test", "ka-a");
        TlsAlpnResponder.Publish("127.0.0.1", port, "b.example.test", "ka-b");
        try
        {
            var (negotiated, cert) = await HandshakeAsync(port, "b.example.test", new[] { AcmeTls1 }, protocol);

            Assert.Equal(AcmeTls1, negotiated);
            Assert.Equal(TlsAlpnResponder.Find("127.0.0.1", port, "b.example.test")!.GetEncoded(), cert.RawData);
            Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes("ka-b")), AcmeIdentifierDigest(cert));
            Assert.True(cert.Extensions["1.3.6.1.5.5.7.1.31"]!.Critical);
        }
        finally
        {
            TlsAlpnResponder.Unpublish("127.0.0.1", port, "a.example.test", "ka-a");
            TlsAlpnResponder.Unpublish("127.0.0.1", port, "b.example.test", "ka-b");
        }
    }

    [Fact]
    public async Task AnIpAddressIsFoundByItsReverseDnsName()
    {
        int port = FreePort();
        TlsAlpnResponder.Publish("127.0.0.1", port, "127.0.0.1", "ka-ip");
        try
        {
            var (negotiated, cert) = await HandshakeAsync(port, "1.0.0.127.in-addr.arpa", new[] { AcmeTls1 }, SslProtocols.Tls13);

            Assert.Equal(AcmeTls1, negotiated);
            Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes("ka-ip")), AcmeIdentifierDigest(cert));
        }
        finally
        {
            TlsAlpnResponder.Unpublish("127.0.0.1", port, "127.0.0.1", "ka-ip");
        }
    }

    [Fact]
    public async Task AClientNotOfferingAcmeTls1IsRefused()
    {
        int port = FreePort();
        TlsAlpnResponder.Publish("127.0.0.1", port, "c.example.test", "ka-c");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, "c.example.test", new[] { SslApplicationProtocol.Http11 }, SslProtocols.Tls13));
            await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, "c.example.test", null, SslProtocols.Tls12));
            // The same listener still answers a proper client afterwards.
            var (negotiated, _) = await HandshakeAsync(port, "c.example.test", new[] { AcmeTls1 }, SslProtocols.Tls13);
            Assert.Equal(AcmeTls1, negotiated);
        }
        finally
        {
            TlsAlpnResponder.Unpublish("127.0.0.1", port, "c.example.test", "ka-c");
        }
    }

    [Fact]
    public async Task AnUnknownServerNameIsRefused()
    {
        int port = FreePort();
        TlsAlpnResponder.Publish("127.0.0.1", port, "d.example.test", "ka-d");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, "other.example.test", new[] { AcmeTls1 }, SslProtocols.Tls13));
        }
        finally
        {
            TlsAlpnResponder.Unpublish("127.0.0.1", port, "d.example.test", "ka-d");
        }
    }

    [Fact]
    public void TheListenerIsSharedAndStopsWithItsLastChallenge()
    {
        int port = FreePort();
        string endpoint = $"127.0.0.1:{port}";
        TlsAlpnResponder.Publish("127.0.0.1", port, "e.example.test", "ka-e");
        TlsAlpnResponder.Publish("127.0.0.1", port, "f.example.test", "ka-f");
        Assert.Single(TlsAlpnResponder.ActiveEndpoints, endpoint);

        TlsAlpnResponder.Unpublish("127.0.0.1", port, "e.example.test", "ka-e");
        Assert.Contains(endpoint, TlsAlpnResponder.ActiveEndpoints);
        Assert.True(CanConnect(port));

        TlsAlpnResponder.Unpublish("127.0.0.1", port, "f.example.test", "ka-f");
        Assert.DoesNotContain(endpoint, TlsAlpnResponder.ActiveEndpoints);
        Assert.False(CanConnect(port));
        // The port is free again: something else can bind it.
        var again = new TcpListener(IPAddress.Loopback, port);
        again.Start();
        again.Stop();
    }

    [Fact]
    public void APortInUseIsAClearError()
    {
        var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            int port = ((IPEndPoint)busy.LocalEndpoint).Port;
            var ex = Assert.Throws<AcmeException>(() => TlsAlpnResponder.Publish("127.0.0.1", port, "g.example.test", "ka-g"));
            Assert.Equal("AcmeTlsAlpnListenFailed", ex.ErrorId);
            Assert.DoesNotContain($"127.0.0.1:{port}", TlsAlpnResponder.ActiveEndpoints);
        }
        finally
        {
            busy.Stop();
        }
    }

    [Fact]
    public void ChallengesExpireAfterTheMaximumLifetimeAndTheListenerStops()
    {
        var clock = new FakeClock();
        TlsAlpnResponder.Clock = clock;
        int port = FreePort();
        try
        {
            TlsAlpnResponder.Publish("127.0.0.1", port, "i.example.test", "ka-i");
            TlsAlpnResponder.Sweep();
            Assert.True(CanConnect(port));

            clock.Delay(TlsAlpnResponder.MaxLifetime, CancellationToken.None);
            TlsAlpnResponder.Sweep();
            Assert.DoesNotContain($"127.0.0.1:{port}", TlsAlpnResponder.ActiveEndpoints);
            Assert.Null(TlsAlpnResponder.Find("127.0.0.1", port, "i.example.test"));
            Assert.False(CanConnect(port));
            TlsAlpnResponder.Unpublish("127.0.0.1", port, "i.example.test", "ka-i"); // expired already: no error
        }
        finally
        {
            TlsAlpnResponder.Clock = Util.SystemClock.Instance;
        }
    }

    [Fact]
    public async Task EveryAddressAnswersOnIPv4Loopback()
    {
        int port = FreePort();
        TlsAlpnResponder.Publish("*", port, "j.example.test", "ka-j");
        try
        {
            var (negotiated, _) = await HandshakeAsync(port, "j.example.test", new[] { AcmeTls1 }, SslProtocols.Tls13);
            Assert.Equal(AcmeTls1, negotiated);
        }
        finally
        {
            TlsAlpnResponder.Unpublish("*", port, "j.example.test", "ka-j");
        }
        Assert.False(CanConnect(port));
    }

    [Theory]
    [InlineData("not-an-ip", 443, "AcmeTlsAlpnAddressInvalid")]
    [InlineData("1.2.3", 443, "AcmeTlsAlpnAddressInvalid")]
    [InlineData("127.0.0.1:443", 443, "AcmeTlsAlpnAddressInvalid")]
    [InlineData("127.0.0.1", 0, "AcmeTlsAlpnPortInvalid")]
    [InlineData("127.0.0.1", 70000, "AcmeTlsAlpnPortInvalid")]
    public void BadAddressOrPortIsAClearError(string address, int port, string errorId)
    {
        var ex = Assert.Throws<AcmeException>(() => TlsAlpnResponder.Publish(address, port, "h.example.test", "ka-h"));
        Assert.Equal(errorId, ex.ErrorId);
    }

    private static byte[] AcmeIdentifierDigest(X509Certificate2 cert)
    {
        byte[] raw = cert.Extensions["1.3.6.1.5.5.7.1.31"]!.RawData;
        return Asn1OctetString.GetInstance(raw).GetOctets();
    }

    private static async Task<(SslApplicationProtocol, X509Certificate2)> HandshakeAsync(int port, string serverName,
        SslApplicationProtocol[]? protocols, SslProtocols version)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            ApplicationProtocols = protocols?.ToList(),
            EnabledSslProtocols = version,
            RemoteCertificateValidationCallback = (_, _, _, _) => true, // self-signed by design; its contents are checked instead
        }, timeout.Token);
        return (ssl.NegotiatedApplicationProtocol, new X509Certificate2(ssl.RemoteCertificate!));
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static bool CanConnect(int port)
    {
        using var c = new TcpClient();
        try
        {
            c.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
