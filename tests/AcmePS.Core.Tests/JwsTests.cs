using AcmePS.Core.Crypto;
using AcmePS.Core.Jws;
using AcmePS.Core.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

public class JwsTests
{
    private const string Url = "https://ca.test/acme/new-order";
    private const string Nonce = "oFvnlFP1wIhRlYS2jTaXbA";
    private const string Kid = "https://ca.test/acme/acct/1";

    public static TheoryData<KeyType, string, bool> Cases()
    {
        var data = new TheoryData<KeyType, string, bool>();
        foreach (var (type, alg) in new[] { (KeyType.EC256, "ES256"), (KeyType.EC384, "ES384"), (KeyType.RSA2048, "RS256") })
        {
            data.Add(type, alg, true);
            data.Add(type, alg, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SignedPostHasTheRightHeaderPayloadAndAValidSignature(KeyType type, string alg, bool withKid)
    {
        var key = TestKeys.Get(type);
        var payload = new JObject { ["identifiers"] = new JArray(new JObject { ["type"] = "dns", ["value"] = "www.example.com" }) };

        var jws = JwsVerifier.Parse(JwsSigner.Sign(key, Url, Nonce, payload, withKid ? Kid : null));

        Assert.Equal(new[] { "payload", "protected", "signature" }, jws.Jws.Properties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(alg, (string)jws.Header["alg"]);
        Assert.Equal(Nonce, (string)jws.Header["nonce"]);
        Assert.Equal(Url, (string)jws.Header["url"]);
        Assert.True(JToken.DeepEquals(payload, JToken.Parse(jws.PayloadText)));
        if (withKid)
        {
            Assert.Equal(Kid, (string)jws.Header["kid"]);
            Assert.Null(jws.Header["jwk"]);
        }
        else
        {
            Assert.Null(jws.Header["kid"]);
            var fromHeader = JwsVerifier.PublicKeyFromJwk((JObject)jws.Header["jwk"]);
            Assert.Equal(key.Pair.Public, fromHeader);
            Assert.True(jws.Verify(fromHeader), "signature does not verify with the key in the jwk header");
        }
        Assert.True(jws.Verify(key.Pair.Public), "signature does not verify");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PostAsGetHasAnEmptyPayloadAndAValidSignature(KeyType type, string alg, bool withKid)
    {
        var key = TestKeys.Get(type);

        string text = JwsSigner.Sign(key, Url, Nonce, null, withKid ? Kid : null);
        var jws = JwsVerifier.Parse(text);

        Assert.Equal(JTokenType.String, jws.Jws["payload"].Type);
        Assert.Equal("", jws.PayloadB64);
        Assert.Equal(alg, (string)jws.Header["alg"]);
        Assert.True(jws.Verify(key.Pair.Public));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TamperedJwsDoesNotVerify(KeyType type, string alg, bool withKid)
    {
        var key = TestKeys.Get(type);
        var jws = JwsVerifier.Parse(JwsSigner.Sign(key, Url, Nonce, new JObject { ["csr"] = "AAAA" }, withKid ? Kid : null));
        Assert.Equal(alg, (string)jws.Header["alg"]);
        string otherPayload = PemText.B64Url(System.Text.Encoding.UTF8.GetBytes("{\"csr\":\"AAAB\"}"));
        string otherHeader = PemText.B64Url(System.Text.Encoding.UTF8.GetBytes(jws.Header.ToString(Newtonsoft.Json.Formatting.None).Replace(Nonce, "other")));
        byte[] flipped = (byte[])jws.Signature.Clone();
        flipped[flipped.Length / 2] ^= 0x01;

        Assert.False(JwsVerifier.Verify(key.Pair.Public, alg, jws.ProtectedB64 + "." + otherPayload, jws.Signature));
        Assert.False(JwsVerifier.Verify(key.Pair.Public, alg, otherHeader + "." + jws.PayloadB64, jws.Signature));
        Assert.False(JwsVerifier.Verify(key.Pair.Public, alg, jws.ProtectedB64 + "." + jws.PayloadB64, flipped));
        var otherKey = type == KeyType.RSA2048 ? AcmeKey.FromPem(RfcKeys.Pkcs8Pem()).Pair.Public : AcmeKey.Generate(type).Pair.Public;
        Assert.False(JwsVerifier.Verify(otherKey, alg, jws.ProtectedB64 + "." + jws.PayloadB64, jws.Signature));
        Assert.True(jws.Verify(key.Pair.Public)); // the untouched JWS does verify
    }

    [Fact]
    public void NoNonceMeansNoNonceMember()
    {
        var jws = JwsVerifier.Parse(JwsSigner.Sign(TestKeys.Ec256, Url, null, new JObject(), Kid));

        Assert.Null(jws.Header["nonce"]);
        Assert.Equal(Url, (string)jws.Header["url"]);
    }

    [Theory]
    [InlineData(KeyType.EC256, 32)]
    [InlineData(KeyType.EC384, 48)]
    public void EcdsaSignatureIsFixedLengthRAndSEvenWhenAHalfIsShort(KeyType type, int size)
    {
        // R or S is below 2^(8·(size-1)) in about 1 signature in 256 each. Sign (and verify every signature) until a
        // short R and a short S have both come out padded in front; a wrongly placed half fails the verification.
        var key = TestKeys.Get(type);
        bool shortR = false, shortS = false;
        for (int i = 0; i < 8000 && !(shortR && shortS); i++)
        {
            var jws = JwsVerifier.Parse(JwsSigner.Sign(key, Url, "n" + i, null, Kid));
            Assert.Equal(2 * size, jws.Signature.Length);
            Assert.True(jws.Verify(key.Pair.Public), $"signature {i} does not verify");
            shortR |= jws.Signature[0] == 0;
            shortS |= jws.Signature[size] == 0;
        }
        Assert.True(shortR && shortS, "no signature with a short R and one with a short S were produced");
    }
}
