using System.Security.Cryptography;
using AcmePS.Core.Crypto;
using AcmePS.Core.Tests.Support;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Xunit;

namespace AcmePS.Core.Tests;

public class KeyTests
{
    [Theory]
    [InlineData(KeyType.EC256, 256)]
    [InlineData(KeyType.EC384, 384)]
    [InlineData(KeyType.RSA2048, 2048)]
    public void GeneratedKeyRoundTripsThroughPkcs8Pem(KeyType type, int bits)
    {
        AssertRoundTrip(type, bits);
    }

    internal static void AssertRoundTrip(KeyType type, int bits)
    {
        var key = TestKeys.Get(type);
        Assert.Equal(type, key.Type);
        Assert.Equal(bits, key.Pair.Public is ECPublicKeyParameters ec ? ec.Parameters.Curve.FieldSize : ((RsaKeyParameters)key.Pair.Public).Modulus.BitLength);

        string pem = key.ToPem();
        var back = AcmeKey.FromPem(pem);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", pem);
        Assert.EndsWith("-----END PRIVATE KEY-----\n", pem);
        Assert.Equal(type, back.Type);
        Assert.Equal(key.Pair.Public, back.Pair.Public);
        Assert.Equal(key.Pair.Private, back.Pair.Private);
        Assert.Equal(key.PublicKeyDer(), back.PublicKeyDer());
    }

    [Fact]
    public void PublicKeyDerIsTheSubjectPublicKeyInfo()
    {
        var key = TestKeys.Ec256;
        var parsed = PublicKeyFactory.CreateKey(key.PublicKeyDer());
        Assert.Equal(key.Pair.Public, parsed);
    }

    [Theory]
    [InlineData(KeyType.EC256)]
    [InlineData(KeyType.RSA2048)]
    public void ReadsTraditionalSec1AndPkcs1Pem(KeyType type)
    {
        var key = TestKeys.Get(type);
        var writer = new StringWriter();
        new Org.BouncyCastle.OpenSsl.PemWriter(writer).WriteObject(key.Pair.Private);
        string pem = writer.ToString();
        Assert.Contains(type == KeyType.EC256 ? "BEGIN EC PRIVATE KEY" : "BEGIN RSA PRIVATE KEY", pem);

        var back = AcmeKey.FromPem(pem);

        Assert.Equal(type, back.Type);
        Assert.Equal(key.Pair.Public, back.Pair.Public);
    }

    [Fact]
    public void ReadsAKeyWrittenByDotNet()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var back = AcmeKey.FromPem(ecdsa.ExportPkcs8PrivateKeyPem());

        Assert.Equal(KeyType.EC384, back.Type);
        var p = ecdsa.ExportParameters(false);
        var q = ((ECPublicKeyParameters)back.Pair.Public).Q;
        Assert.Equal(p.Q.X, q.AffineXCoord.GetEncoded());
        Assert.Equal(p.Q.Y, q.AffineYCoord.GetEncoded());
    }

    public static TheoryData<string> NotAPrivateKey() => new()
    {
        "garbage",
        "",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\n!!!not base64!!!\n-----END PRIVATE KEY-----\n",
        PemText.Encode("PUBLIC KEY", TestKeys.Ec256.PublicKeyDer()),
    };

    [Theory]
    [MemberData(nameof(NotAPrivateKey))]
    public void FromPemOfSomethingElseThrowsAcmeKeyInvalid(string pem)
    {
        var ex = Assert.Throws<AcmeException>(() => AcmeKey.FromPem(pem));
        Assert.Equal("AcmeKeyInvalid", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.InvalidData, ex.Kind);
    }

    [Fact]
    public void FromPemOfNullThrowsAcmeKeyInvalid()
    {
        Assert.Equal("AcmeKeyInvalid", Assert.Throws<AcmeException>(() => AcmeKey.FromPem(null)).ErrorId);
    }

    [Fact]
    public void Ed25519KeyIsRefusedAsAnUnsupportedType()
    {
        var gen = new Ed25519KeyPairGenerator();
        gen.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        string pem = Pkcs8(gen.GenerateKeyPair().Private);

        Assert.Equal("AcmeKeyTypeInvalid", Assert.Throws<AcmeException>(() => AcmeKey.FromPem(pem)).ErrorId);
    }

    [Theory]
    [InlineData("P-521")]
    [InlineData("secp256k1")]       // 256-bit field, but not P-256: its JWK would claim "P-256" and ES256
    [InlineData("brainpoolP256r1")]
    [InlineData("brainpoolP384r1")]
    public void EcKeyOnAnotherCurveIsRefused(string curve)
    {
        // Only P-256 and P-384 have a JWS algorithm here (RFC 7518 §3.4); any other curve must not pass as one of them.
        X9ECParameters x9 = ECNamedCurveTable.GetByName(curve);
        var gen = new ECKeyPairGenerator();
        gen.Init(new ECKeyGenerationParameters(new ECDomainParameters(x9), new SecureRandom()));
        string pem = Pkcs8(gen.GenerateKeyPair().Private);

        Assert.Equal("AcmeKeyTypeInvalid", Assert.Throws<AcmeException>(() => AcmeKey.FromPem(pem)).ErrorId);
    }

    [Theory]
    [InlineData(KeyType.EC256, "ES256", "SHA256WITHECDSA", true)]
    [InlineData(KeyType.EC384, "ES384", "SHA384WITHECDSA", true)]
    [InlineData(KeyType.RSA2048, "RS256", "SHA256WITHRSA", false)]
    public void AlgorithmsFollowTheKeyType(KeyType type, string jws, string csr, bool isEc)
    {
        var key = TestKeys.Get(type);
        Assert.Equal(jws, key.JwsAlgorithm);
        Assert.Equal(csr, key.SignatureAlgorithm);
        Assert.Equal(isEc, key.IsEC);
    }

    [Theory]
    [InlineData("ec256", KeyType.EC256)]
    [InlineData(" P256 ", KeyType.EC256)]
    [InlineData("ES384", KeyType.EC384)]
    [InlineData("rsa2048", KeyType.RSA2048)]
    [InlineData("3072", KeyType.RSA3072)]
    [InlineData("RSA4096", KeyType.RSA4096)]
    public void KeyTypeNamesParse(string name, KeyType expected)
    {
        Assert.Equal(expected, KeyTypes.Parse(name));
    }

    [Theory]
    [InlineData("ec521")]
    [InlineData("rsa1024")]
    [InlineData("")]
    [InlineData(null)]
    public void UnknownKeyTypeNameThrowsAcmeKeyTypeInvalid(string name)
    {
        var ex = Assert.Throws<AcmeException>(() => KeyTypes.Parse(name));
        Assert.Equal("AcmeKeyTypeInvalid", ex.ErrorId);
        Assert.Equal(name, ex.Target);
    }

    [Fact]
    public void KeyTypeNamesRoundTrip()
    {
        foreach (KeyType type in Enum.GetValues<KeyType>())
            Assert.Equal(type, KeyTypes.Parse(type.ToName()));
        Assert.Equal("ec384", KeyType.EC384.ToName());
    }

    private static string Pkcs8(AsymmetricKeyParameter privateKey) =>
        PemText.Encode("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetDerEncoded());
}

/// <summary>
/// The slow generations (BouncyCastle needs 1-3 s for RSA 3072 and 2-13 s for RSA 4096 here) each in its own class, so
/// xunit runs them beside the rest; each key is generated once for the run (<see cref="TestKeys"/>).
/// </summary>
public class Rsa3072KeyTests
{
    [Fact]
    public void GeneratedKeyRoundTripsThroughPkcs8Pem() => KeyTests.AssertRoundTrip(KeyType.RSA3072, 3072);
}

public class Rsa4096KeyTests
{
    [Fact]
    public void GeneratedKeyRoundTripsThroughPkcs8Pem() => KeyTests.AssertRoundTrip(KeyType.RSA4096, 4096);
}
