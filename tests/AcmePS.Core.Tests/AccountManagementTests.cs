using System.Security.Cryptography;
using System.Text;
using AcmePS.Core.Jws;
using AcmePS.Core.Tests.Fakes;
using AcmePS.Core.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>External Account Binding, contact update, key rollover and deactivation as the client sends them.</summary>
public class AccountManagementTests
{
    private static readonly byte[] HmacKey = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
    private static readonly string HmacKeyText = PemText.B64Url(HmacKey);

    private static Uri KeyChangeUrl => new(FakeAcmeServer.Base, "acme/key-change");

    [Theory]
    [InlineData("HS256")]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task NewAccountCarriesAnEabJwsOverTheAccountJwkSignedWithTheHmacKey(string alg)
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewAccountUrl, _ => Responses.Json(201, new JObject { ["status"] = "valid" }, location: h.Server.AccountUrl));
        var eab = ExternalAccountBinding.Create("kid-1", HmacKeyText, alg);

        await h.Client.NewAccountAsync(TestKeys.Ec256, new string[0], true, false, ClientHarness.None, eab);

        var post = h.Server.To("POST", h.Server.NewAccountUrl).Single();
        Assert.True(JwsVerifier.Parse(post.Body).Verify(TestKeys.Ec256.Pair.Public));
        var binding = (JObject)post.Payload["externalAccountBinding"];
        Assert.NotNull(binding);
        var jws = JwsVerifier.Parse(binding.ToString());
        Assert.Equal(new[] { "alg", "kid", "url" }, jws.Header.Properties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(alg, (string)jws.Header["alg"]);
        Assert.Equal("kid-1", (string)jws.Header["kid"]);
        Assert.Equal(h.Server.NewAccountUrl.AbsoluteUri, (string)jws.Header["url"]);
        Assert.True(JToken.DeepEquals(Jwk.FromKey(TestKeys.Ec256), JToken.Parse(jws.PayloadText)));
        byte[] input = Encoding.ASCII.GetBytes(jws.ProtectedB64 + "." + jws.PayloadB64);
        using HMAC mac = alg == "HS256" ? new HMACSHA256(HmacKey) : alg == "HS384" ? new HMACSHA384(HmacKey) : new HMACSHA512(HmacKey);
        Assert.Equal(mac.ComputeHash(input), jws.Signature);
    }

    [Fact]
    public async Task NewAccountWithoutEabSendsNoBinding()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewAccountUrl, _ => Responses.Json(201, new JObject { ["status"] = "valid" }, location: h.Server.AccountUrl));

        await h.Client.NewAccountAsync(TestKeys.Ec256, new string[0], true, false, ClientHarness.None);

        Assert.Null(h.Server.To("POST", h.Server.NewAccountUrl).Single().Payload["externalAccountBinding"]);
    }

    [Theory]
    [InlineData("not base64url!")]
    [InlineData("abc+def/")]
    [InlineData("Q")]
    [InlineData("")]
    public void AnInvalidHmacKeyIsAcmeEabKeyInvalidAndTheMessageDoesNotQuoteIt(string key)
    {
        var ex = Assert.Throws<AcmeException>(() => ExternalAccountBinding.Create("kid-1", key));
        Assert.Equal("AcmeEabKeyInvalid", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.InvalidArgument, ex.Kind);
        if (key.Length > 0) Assert.DoesNotContain(key, ex.Message);
    }

    [Fact]
    public void TheBindingDoesNotShowItsKey()
    {
        var eab = ExternalAccountBinding.Create("kid-1", HmacKeyText);
        Assert.DoesNotContain(HmacKeyText, eab.ToString());
    }

    [Fact]
    public async Task ContactUpdateIsSignedByTheAccountAndSendsOnlyTheContacts()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.AccountUrl, _ => Responses.Json(200, new JObject { ["status"] = "valid", ["contact"] = new JArray("mailto:b@example.com") }));

        var account = await h.Client.UpdateAccountAsync(h.Signer, new JObject { ["contact"] = new JArray("mailto:b@example.com") }, ClientHarness.None);

        Assert.Equal(new[] { "mailto:b@example.com" }, account.Contact);
        var post = h.Server.To("POST", h.Server.AccountUrl).Single();
        Assert.Equal(h.Server.AccountUrl.AbsoluteUri, (string)post.Protected["kid"]);
        Assert.Equal(new[] { "contact" }, post.Payload.Properties().Select(p => p.Name));
        Assert.True(JwsVerifier.Parse(post.Body).Verify(TestKeys.Ec256.Pair.Public));
    }

    [Fact]
    public async Task KeyChangeNestsAJwsOfTheNewKeyInOneOfTheOldKey()
    {
        var h = new ClientHarness();
        h.Server.Always(KeyChangeUrl, _ => Responses.Json(200, new JObject { ["status"] = "valid" }));
        var newKey = TestKeys.Get(AcmePS.Core.Crypto.KeyType.EC384);

        await h.Client.ChangeKeyAsync(h.Signer, newKey, ClientHarness.None);

        var post = h.Server.To("POST", KeyChangeUrl).Single();
        var outer = JwsVerifier.Parse(post.Body);
        Assert.True(outer.Verify(TestKeys.Ec256.Pair.Public), "the outer JWS is signed by the old key");
        Assert.Equal(h.Server.AccountUrl.AbsoluteUri, (string)outer.Header["kid"]);
        Assert.Equal(KeyChangeUrl.AbsoluteUri, (string)outer.Header["url"]);
        Assert.NotNull(outer.Header["nonce"]);

        var inner = JwsVerifier.Parse(outer.PayloadText);
        Assert.True(inner.Verify(newKey.Pair.Public), "the inner JWS is signed by the new key");
        Assert.Equal(new[] { "alg", "jwk", "url" }, inner.Header.Properties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal("ES384", (string)inner.Header["alg"]);
        Assert.Equal(newKey.Pair.Public, JwsVerifier.PublicKeyFromJwk((JObject)inner.Header["jwk"]));
        Assert.Equal(KeyChangeUrl.AbsoluteUri, (string)inner.Header["url"]);
        var payload = JObject.Parse(inner.PayloadText);
        Assert.Equal(h.Server.AccountUrl.AbsoluteUri, (string)payload["account"]);
        Assert.True(JToken.DeepEquals(Jwk.FromKey(TestKeys.Ec256), payload["oldKey"]));
    }

    [Fact]
    public async Task KeyChangeWhoseAnswerIsLostSucceedsWhenTheCaKnowsTheNewKey()
    {
        var h = new ClientHarness();
        h.Server.Always(KeyChangeUrl, Responses.Dropped());
        h.Server.Always(h.Server.AccountUrl, _ => Responses.Json(200, new JObject { ["status"] = "valid" }));

        await h.Client.ChangeKeyAsync(h.Signer, TestKeys.Get(AcmePS.Core.Crypto.KeyType.EC384), ClientHarness.None);

        Assert.Equal(1, h.Server.Count("POST", KeyChangeUrl));
        var check = h.Server.To("POST", h.Server.AccountUrl).Single();
        Assert.True(JwsVerifier.Parse(check.Body).Verify(TestKeys.Get(AcmePS.Core.Crypto.KeyType.EC384).Pair.Public), "the check is signed by the new key");
    }

    [Fact]
    public async Task KeyChangeRefusedByTheCaIsTheCasError()
    {
        var h = new ClientHarness();
        h.Server.Always(KeyChangeUrl, _ => Responses.Problem(409, "conflict", "key in use"));

        var ex = await Assert.ThrowsAsync<Protocol.AcmeProblemException>(() => h.Client.ChangeKeyAsync(h.Signer, TestKeys.Get(AcmePS.Core.Crypto.KeyType.EC384), ClientHarness.None));

        Assert.Equal("AcmeConflict", ex.ErrorId);
    }
}
