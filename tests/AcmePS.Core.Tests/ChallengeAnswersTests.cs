using System.Security.Cryptography;
using System.Text;
using AcmePS.Core.Challenges;
using AcmePS.Core.Crypto;
using AcmePS.Core.Tests.Support;
using Xunit;

namespace AcmePS.Core.Tests;

public class ChallengeAnswersTests
{
    private const string Token = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";

    [Fact]
    public void KeyAuthorizationIsTokenDotRfcThumbprint()
    {
        var key = AcmeKey.FromPem(RfcKeys.Pkcs8Pem());

        Assert.Equal(Token + "." + RfcKeys.Rfc7638Thumbprint, ChallengeAnswers.KeyAuthorization(Token, key));
    }

    [Fact]
    public void KeyAuthorizationOfAnEcKeyUsesItsThumbprint()
    {
        var key = TestKeys.Ec256;
        var (x, y) = JwkTests.Coordinates(key, 32);
        string jwk = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{PemText.B64Url(x)}\",\"y\":\"{PemText.B64Url(y)}\"}}";
        string thumbprint = PemText.B64Url(SHA256.HashData(Encoding.UTF8.GetBytes(jwk)));

        Assert.Equal(Token + "." + thumbprint, ChallengeAnswers.KeyAuthorization(Token, key));
    }

    [Fact]
    public void Dns01ValueIsBase64UrlOfSha256OfTheKeyAuthorization()
    {
        string keyAuthorization = Token + "." + RfcKeys.Rfc7638Thumbprint;
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization));

        string value = ChallengeAnswers.Dns01Value(keyAuthorization);

        Assert.Equal(43, value.Length); // 32 bytes, unpadded
        Assert.DoesNotContain("=", value);
        Assert.Equal(digest, JwsVerifier.FromB64Url(value));
    }

    [Theory]
    [InlineData("*.example.com", "_acme-challenge.example.com")]
    [InlineData("example.com", "_acme-challenge.example.com")]
    [InlineData("www.example.com.", "_acme-challenge.www.example.com")]
    [InlineData("*.xn--bcher-kva.example", "_acme-challenge.xn--bcher-kva.example")]
    public void Dns01RecordNameDropsTheWildcardLabel(string identifier, string expected)
    {
        Assert.Equal(expected, ChallengeAnswers.Dns01RecordName(identifier));
    }

    [Fact]
    public void Http01PathIsUnderWellKnown()
    {
        Assert.Equal("/.well-known/acme-challenge/" + Token, ChallengeAnswers.Http01Path(Token));
    }
}
