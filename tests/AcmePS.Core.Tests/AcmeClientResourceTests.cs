using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Fakes;
using AcmePS.Core.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>What the resource calls send and how they read the answers.</summary>
public class AcmeClientResourceTests
{
    [Fact]
    public async Task NewAccountIsSignedWithTheJwkAndAgreesToTheTerms()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewAccountUrl, _ => Responses.Json(201, new JObject { ["status"] = "valid" }, location: h.Server.AccountUrl));

        var account = await h.Client.NewAccountAsync(TestKeys.Ec256, new[] { "mailto:a@example.com" }, true, false, ClientHarness.None);

        Assert.Equal(h.Server.AccountUrl, account.Location);
        Assert.Equal("valid", account.Status);
        var post = h.Server.To("POST", h.Server.NewAccountUrl).Single();
        Assert.Null(post.Protected["kid"]);
        Assert.Equal(TestKeys.Ec256.Pair.Public, JwsVerifier.PublicKeyFromJwk((JObject)post.Protected["jwk"]));
        Assert.True(JwsVerifier.Parse(post.Body).Verify(TestKeys.Ec256.Pair.Public));
        Assert.True((bool)post.Payload["termsOfServiceAgreed"]);
        Assert.Equal(new[] { "mailto:a@example.com" }, post.Payload["contact"].ToObject<string[]>());
        Assert.Null(post.Payload["onlyReturnExisting"]);
    }

    [Fact]
    public async Task OnlyReturnExistingSendsNothingElse()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewAccountUrl, _ => Responses.Json(200, new JObject { ["status"] = "valid" }, location: h.Server.AccountUrl));

        await h.Client.NewAccountAsync(TestKeys.Ec256, new[] { "mailto:a@example.com" }, true, true, ClientHarness.None);

        var payload = h.Server.To("POST", h.Server.NewAccountUrl).Single().Payload;
        Assert.Equal(new[] { "onlyReturnExisting" }, payload.Properties().Select(p => p.Name));
        Assert.True((bool)payload["onlyReturnExisting"]);
    }

    [Fact]
    public async Task CreatedResourceWithoutLocationThrowsAcmeServerResponseInvalid()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, _ => Responses.Json(201, h.Server.Order("pending")));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => h.NewOrder());

        Assert.Equal("AcmeServerResponseInvalid", ex.ErrorId);
    }

    [Fact]
    public async Task AnswerThatIsNotJsonThrowsAcmeServerResponseInvalid()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.OrderUrl, _ => new Http.AcmeHttpResponse { StatusCode = 200, ContentType = "text/html", Body = "<html>hello</html>" });

        var ex = await Assert.ThrowsAsync<AcmeException>(() => h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None));

        Assert.Equal("AcmeServerResponseInvalid", ex.ErrorId);
        Assert.Equal(h.Server.OrderUrl, ex.Target);
    }

    [Fact]
    public async Task NewOrderSendsTheIdentifiers()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, h.OrderCreated());

        var order = await h.Client.NewOrderAsync(h.Signer,
            new[] { new AcmeIdentifier("dns", "www.example.com"), new AcmeIdentifier("dns", "*.example.com") }, null, null, ClientHarness.None);

        Assert.Equal(h.Server.FinalizeUrl, order.Finalize);
        Assert.Equal(new[] { h.Server.AuthorizationUrl }, order.Authorizations);
        var payload = h.Server.To("POST", h.Server.NewOrderUrl).Single().Payload;
        Assert.Equal(new[] { "identifiers" }, payload.Properties().Select(p => p.Name));
        Assert.True(JToken.DeepEquals(JArray.Parse("[{\"type\":\"dns\",\"value\":\"www.example.com\"},{\"type\":\"dns\",\"value\":\"*.example.com\"}]"),
            payload["identifiers"]));
    }

    [Fact]
    public async Task CertificateDownloadReturnsThePemAndTheAlternateChains()
    {
        var h = new ClientHarness();
        var alternate = new Uri(FakeAcmeServer.Base, "acme/cert/1/1");
        h.Server.Always(h.Server.CertificateUrl, _ =>
        {
            var r = new Http.AcmeHttpResponse { StatusCode = 200, ContentType = "application/pem-certificate-chain", Body = "-----BEGIN CERTIFICATE-----" };
            r.Links.Add(new KeyValuePair<Uri, string>(new Uri(FakeAcmeServer.Base, "acme/issuer"), "up"));
            r.Links.Add(new KeyValuePair<Uri, string>(alternate, "alternate"));
            return r;
        });

        var result = await h.Client.DownloadCertificateAsync(h.Signer, h.Server.CertificateUrl, ClientHarness.None);

        Assert.Equal("-----BEGIN CERTIFICATE-----", result.Key);
        Assert.Equal(new[] { alternate }, result.Value);
        Assert.Equal("", h.Server.To("POST", h.Server.CertificateUrl).Single().PayloadText);
    }

    [Fact]
    public async Task RevocationByTheCertificateKeyIsSignedWithItsJwk()
    {
        var h = new ClientHarness();
        var certKey = TestKeys.Get(Crypto.KeyType.EC384);
        h.Server.Always(h.Server.RevokeCertUrl, _ => new Http.AcmeHttpResponse { StatusCode = 200, Body = "" });

        await h.Client.RevokeCertificateAsync(new byte[] { 0x30, 0x00 }, 4, null, certKey, ClientHarness.None);

        var post = h.Server.To("POST", h.Server.RevokeCertUrl).Single();
        Assert.Equal("ES384", (string)post.Protected["alg"]);
        Assert.Equal(certKey.Pair.Public, JwsVerifier.PublicKeyFromJwk((JObject)post.Protected["jwk"]));
        Assert.Equal("MAA", (string)post.Payload["certificate"]);
        Assert.Equal(4, (int)post.Payload["reason"]);
    }
}
