using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AcmePS.Core.Crypto;
using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Fakes;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>ARI (RFC 9773) and order options: certificate ids, renewalInfo, the lifetime rule, newOrder's new fields.</summary>
public class RenewalTests
{
    /// <summary>A certificate made by .NET (not BouncyCastle) with the AKI and serial of RFC 9773's example.</summary>
    private static string RfcExampleCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ari.example.test", key, HashAlgorithmName.SHA256);
        byte[] keyId = Convert.FromHexString("69885B6B87464041E1B37B847BA0AE2CDE01C8D4");
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyId));
        var now = DateTimeOffset.UtcNow;
        using var cert = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now.AddDays(-1), now.AddDays(89),
            Convert.FromHexString("0087654321"));
        return cert.ExportCertificatePem();
    }

    [Fact]
    public void CertificateIdIsTheAkiAndTheSerialsDerBytesAsInRfc9773()
    {
        // RFC 9773 §4.1: keyIdentifier 69:88:5B:…:D4 and serial 0x0087654321 give this id.
        Assert.Equal("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", CertificateId.ForPem(RfcExampleCertificate()));
    }

    [Fact]
    public void CertificateIdGivesBackTheSerial()
    {
        Assert.Equal("87654321", CertificateId.SerialHex("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"));
        Assert.Null(CertificateId.SerialHex("example.com!"));
        Assert.False(CertificateId.LooksLikeId("no-dot"));
    }

    [Fact]
    public void CertificateWithoutAkiHasNoIdAndSaysSo()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=no-aki", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var ex = Assert.Throws<AcmeException>(() => CertificateId.ForPem(cert.ExportCertificatePem()));
        Assert.Equal("AcmeCertificateIdUnavailable", ex.ErrorId);
    }

    [Theory]
    [InlineData(90.0, 60.0)]   // two thirds
    [InlineData(6.0, 3.0)]     // under 10 days: half
    [InlineData(10.0, 6.6667)] // 10 days is not under 10 days
    public void WithoutAriACertificateIsDueAtTwoThirdsOrHalfUnderTenDays(double lifetimeDays, double dueAfterDays)
    {
        var notBefore = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var certificate = new CertificateRecord { NotBefore = notBefore, NotAfter = notBefore.AddDays(lifetimeDays) };
        var status = RenewalOperations.ByLifetime("id", certificate, notBefore.AddDays(1));
        Assert.Equal(dueAfterDays, (status.RenewAt - notBefore).TotalDays, 3);
        Assert.Equal("Lifetime", status.Source);
        Assert.False(status.IsDue);
        Assert.True(RenewalOperations.ByLifetime("id", certificate, status.RenewAt).IsDue);
    }

    [Fact]
    public void TheRenewalTimeIsInsideTheWindow()
    {
        var start = DateTimeOffset.UtcNow;
        var end = start.AddDays(2);
        var chosen = Enumerable.Range(0, 200).Select(_ => RenewalOperations.Choose(start, end)).ToList();
        Assert.All(chosen, t => Assert.InRange(t, start, end));
        Assert.True(chosen.Distinct().Count() > 100, "the time is random, not a fixed point");
    }

    [Fact]
    public async Task RenewalInfoIsReadWithItsWindowExplanationAndRetryAfter()
    {
        var h = new ClientHarness();
        var ari = new Uri(FakeAcmeServer.Base, "acme/renewal-info");
        var directory = h.Server.Directory();
        directory["renewalInfo"] = ari.AbsoluteUri;
        h.Server.Always(h.Server.DirectoryUrl, _ => Responses.Json(200, directory, nonce: Responses.NoNonce));
        var id = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE";
        h.Server.Always(new Uri(ari.AbsoluteUri + "/" + id), _ => Responses.Json(200, new JObject
        {
            ["suggestedWindow"] = new JObject { ["start"] = "2026-03-01T00:00:00Z", ["end"] = "2026-03-03T00:00:00Z" },
            ["explanationURL"] = "https://ca.test/why",
        }, retryAfter: TimeSpan.FromHours(6), nonce: Responses.NoNonce));

        Assert.True(await h.Client.SupportsRenewalInfoAsync(ClientHarness.None));
        var info = await h.Client.GetRenewalInfoAsync(id, ClientHarness.None);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), info.SuggestedWindow.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero), info.SuggestedWindow.End);
        Assert.Equal(new Uri("https://ca.test/why"), info.ExplanationUrl);
        Assert.Equal(TimeSpan.FromHours(6), info.RetryAfter);
        Assert.Equal("GET", h.Server.Requests.Last().Method);
    }

    [Fact]
    public async Task WithoutRenewalInfoInTheDirectoryThereIsNoAri()
    {
        var h = new ClientHarness();
        Assert.False(await h.Client.SupportsRenewalInfoAsync(ClientHarness.None));
        Assert.Null(await h.Client.GetRenewalInfoAsync("a.b", ClientHarness.None));
    }

    [Fact]
    public async Task AWindowThatEndsBeforeItStartsIsRefused()
    {
        var h = new ClientHarness();
        var directory = h.Server.Directory();
        directory["renewalInfo"] = new Uri(FakeAcmeServer.Base, "ari/").AbsoluteUri;
        h.Server.Always(h.Server.DirectoryUrl, _ => Responses.Json(200, directory, nonce: Responses.NoNonce));
        h.Server.Always(new Uri(FakeAcmeServer.Base, "ari/a.b"), _ => Responses.Json(200, new JObject
        {
            ["suggestedWindow"] = new JObject { ["start"] = "2026-03-03T00:00:00Z", ["end"] = "2026-03-01T00:00:00Z" },
        }, nonce: Responses.NoNonce));
        var ex = await Assert.ThrowsAsync<AcmeException>(() => h.Client.GetRenewalInfoAsync("a.b", ClientHarness.None));
        Assert.Equal("AcmeServerResponseInvalid", ex.ErrorId);
    }

    [Fact]
    public async Task NewOrderSendsTheValidityProfileAndReplaces()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, h.OrderCreated());
        var options = new NewOrderOptions
        {
            NotBefore = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)),
            NotAfter = new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero),
            Profile = "shortlived",
            Replaces = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE",
        };

        await h.Client.NewOrderAsync(h.Signer, new[] { new AcmeIdentifier("dns", "www.example.com") }, options, ClientHarness.None);

        var payload = h.Server.To("POST", h.Server.NewOrderUrl).Single().Payload;
        Assert.Equal("2026-03-01T10:00:00Z", (string)payload["notBefore"]);
        Assert.Equal("2026-03-07T12:00:00Z", (string)payload["notAfter"]);
        Assert.Equal("shortlived", (string)payload["profile"]);
        Assert.Equal("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", (string)payload["replaces"]);
    }

    [Fact]
    public async Task NewOrderWithoutOptionsSendsOnlyTheIdentifiers()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, h.OrderCreated());
        await h.NewOrder();
        var payload = h.Server.To("POST", h.Server.NewOrderUrl).Single().Payload;
        Assert.Equal(new[] { "identifiers" }, payload.Properties().Select(p => p.Name));
    }
}
