using System.Security.Cryptography;
using System.Text;
using AcmePS.Core.Crypto;
using AcmePS.Core.Jws;
using AcmePS.Core.Tests.Support;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Org.BouncyCastle.Crypto.Parameters;
using Xunit;

namespace AcmePS.Core.Tests;

public class JwkTests
{
    [Fact]
    public void Rfc7638ExampleJwkHasTheRfcThumbprint()
    {
        // RFC 7638 §3.1: the required members of the RSA key, in lexicographic order.
        var jwk = new JObject { ["e"] = RfcKeys.E, ["kty"] = "RSA", ["n"] = RfcKeys.N };

        Assert.Equal(RfcKeys.Rfc7638Thumbprint, PemText.B64Url(Jwk.Thumbprint(jwk)));
    }

    [Fact]
    public void RfcKeyMaterialIsConsistent()
    {
        // Guards the transcription of RFC 7517 A.2 used by the next test: n = p·q and dp = d mod (p-1).
        var p = RfcKeys.Big(RfcKeys.P);
        var q = RfcKeys.Big(RfcKeys.Q);
        Assert.Equal(RfcKeys.Big(RfcKeys.N), p.Multiply(q));
        Assert.Equal(RfcKeys.Big(RfcKeys.DP), RfcKeys.Big(RfcKeys.D).Mod(p.Subtract(Org.BouncyCastle.Math.BigInteger.One)));
    }

    [Fact]
    public void Rfc7638KeyLoadedAsAcmeKeyGivesTheRfcThumbprintAndCanonicalJwk()
    {
        var key = AcmeKey.FromPem(RfcKeys.Pkcs8Pem());

        Assert.Equal(KeyType.RSA2048, key.Type);
        Assert.Equal(RfcKeys.Rfc7638Thumbprint, Jwk.ThumbprintBase64Url(key));
        Assert.Equal($"{{\"e\":\"{RfcKeys.E}\",\"kty\":\"RSA\",\"n\":\"{RfcKeys.N}\"}}", Jwk.FromKey(key).ToString(Formatting.None));
    }

    [Theory]
    [InlineData(KeyType.EC256, "P-256", 32)]
    [InlineData(KeyType.EC384, "P-384", 48)]
    public void EcJwkHasCrvKtyXyInOrderWithFixedLengthCoordinates(KeyType type, string crv, int size)
    {
        var key = AcmeKey.Generate(type);
        var jwk = Jwk.FromKey(key);

        Assert.Equal(new[] { "crv", "kty", "x", "y" }, jwk.Properties().Select(p => p.Name));
        Assert.Equal(crv, (string)jwk["crv"]);
        Assert.Equal("EC", (string)jwk["kty"]);
        var (x, y) = Coordinates(key, size);
        Assert.Equal(x, JwsVerifier.FromB64Url((string)jwk["x"]));
        Assert.Equal(y, JwsVerifier.FromB64Url((string)jwk["y"]));
    }

    [Theory]
    [InlineData(KeyType.EC256, 32)]
    [InlineData(KeyType.EC384, 48)]
    public void EcCoordinatesWithALeadingZeroByteArePaddedToFullLength(KeyType type, int size)
    {
        // About 1 key in 128 has a coordinate below 2^(8·(size-1)); look for one (bounded) and check its padding.
        for (int i = 0; i < 4000; i++)
        {
            var key = AcmeKey.Generate(type);
            var (x, y) = Coordinates(key, size);
            if (x[0] != 0 && y[0] != 0) continue;
            var jwk = Jwk.FromKey(key);
            Assert.Equal(x, JwsVerifier.FromB64Url((string)jwk["x"]));
            Assert.Equal(y, JwsVerifier.FromB64Url((string)jwk["y"]));
            return;
        }
        Assert.Fail("no key with a short coordinate was generated");
    }

    [Fact]
    public void RsaJwkHasEKtyNInOrderWithoutLeadingZeros()
    {
        var key = TestKeys.Get(KeyType.RSA2048);
        var rsa = (RsaKeyParameters)key.Pair.Public;
        var jwk = Jwk.FromKey(key);

        Assert.Equal(new[] { "e", "kty", "n" }, jwk.Properties().Select(p => p.Name));
        Assert.Equal("AQAB", (string)jwk["e"]);
        Assert.Equal("RSA", (string)jwk["kty"]);
        byte[] n = JwsVerifier.FromB64Url((string)jwk["n"]);
        Assert.Equal(256, n.Length);
        Assert.NotEqual(0, n[0]);
        Assert.Equal(rsa.Modulus, new Org.BouncyCastle.Math.BigInteger(1, n));
    }

    [Theory]
    [InlineData(KeyType.EC256)]
    [InlineData(KeyType.EC384)]
    [InlineData(KeyType.RSA2048)]
    public void ThumbprintIsSha256OfTheCanonicalJson(KeyType type)
    {
        var key = TestKeys.Get(type);
        string canonical = key.IsEC
            ? $"{{\"crv\":\"{(type == KeyType.EC256 ? "P-256" : "P-384")}\",\"kty\":\"EC\",\"x\":\"{PemText.B64Url(Coordinates(key, type == KeyType.EC256 ? 32 : 48).X)}\",\"y\":\"{PemText.B64Url(Coordinates(key, type == KeyType.EC256 ? 32 : 48).Y)}\"}}"
            : $"{{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"{PemText.B64Url(((RsaKeyParameters)key.Pair.Public).Modulus.ToByteArrayUnsigned())}\"}}";

        Assert.Equal(PemText.B64Url(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), Jwk.ThumbprintBase64Url(key));
    }

    [Fact]
    public void DifferentKeysHaveDifferentThumbprints()
    {
        Assert.NotEqual(Jwk.ThumbprintBase64Url(AcmeKey.Generate(KeyType.EC256)), Jwk.ThumbprintBase64Url(AcmeKey.Generate(KeyType.EC256)));
    }

    /// <summary>X and Y from the uncompressed SEC1 point encoding (0x04 || X || Y), which BouncyCastle pads itself.</summary>
    internal static (byte[] X, byte[] Y) Coordinates(AcmeKey key, int size)
    {
        byte[] point = ((ECPublicKeyParameters)key.Pair.Public).Q.GetEncoded(false);
        Assert.Equal(1 + 2 * size, point.Length);
        return (point.Skip(1).Take(size).ToArray(), point.Skip(1 + size).ToArray());
    }
}
