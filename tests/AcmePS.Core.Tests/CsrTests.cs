using AcmePS.Core.Crypto;
using AcmePS.Core.Tests.Support;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Pkcs;
using Xunit;

namespace AcmePS.Core.Tests;

public class CsrTests
{
    private static readonly string[] Names = { "www.example.com", "*.example.com", "example.com" };

    public static TheoryData<KeyType, string> Algorithms() => new()
    {
        { KeyType.EC256, X9ObjectIdentifiers.ECDsaWithSha256.Id },
        { KeyType.EC384, X9ObjectIdentifiers.ECDsaWithSha384.Id },
        { KeyType.RSA2048, PkcsObjectIdentifiers.Sha256WithRsaEncryption.Id },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void CsrIsSelfSignedWithTheKeyAndHoldsTheNames(KeyType type, string signatureOid)
    {
        var key = TestKeys.Get(type);

        var csr = new Pkcs10CertificationRequest(CsrBuilder.Build(key, Names));

        Assert.True(csr.Verify(key.Pair.Public), "CSR signature does not verify with the key");
        Assert.Equal(key.Pair.Public, csr.GetPublicKey());
        Assert.Equal(signatureOid, csr.SignatureAlgorithm.Algorithm.Id);
        Assert.Equal(new[] { "www.example.com" }, CommonNames(csr));
        Assert.Equal(Names, DnsSans(csr));
    }

    [Fact]
    public void TheSubjectHoldsOnlyTheCommonName()
    {
        var subject = new Pkcs10CertificationRequest(CsrBuilder.Build(TestKeys.Ec256, Names)).GetCertificationRequestInfo().Subject;

        Assert.Equal(new[] { X509Name.CN }, subject.GetOidList());
    }

    [Fact]
    public void NameOf64CharactersIsTheCnButALongerOneIsNot()
    {
        string n64 = new string('a', 52) + ".example.com";
        string n65 = "b" + n64;
        Assert.Equal(64, n64.Length);

        var fits = new Pkcs10CertificationRequest(CsrBuilder.Build(TestKeys.Ec256, new[] { n64, "www.example.com" }));
        var tooLong = new Pkcs10CertificationRequest(CsrBuilder.Build(TestKeys.Ec256, new[] { n65, "www.example.com" }));

        Assert.Equal(new[] { n64 }, CommonNames(fits));
        Assert.Equal(new[] { "www.example.com" }, CommonNames(tooLong));
        Assert.Equal(new[] { n65, "www.example.com" }, DnsSans(tooLong));
    }

    [Fact]
    public void OnlyLongNamesGiveAnEmptySubjectAndAllNamesAsSans()
    {
        string[] names = { new string('a', 40) + "." + new string('b', 40) + ".example.com", new string('c', 63) + ".example.com" };

        var csr = new Pkcs10CertificationRequest(CsrBuilder.Build(TestKeys.Ec256, names));

        Assert.True(csr.Verify());
        Assert.Empty(csr.GetCertificationRequestInfo().Subject.GetOidList());
        Assert.Equal(names, DnsSans(csr));
    }

    [Fact]
    public void IpAddressesGoInTheSanAsOctets()
    {
        var csr = new Pkcs10CertificationRequest(CsrBuilder.Build(TestKeys.Ec256, new[] { "a.example.com" }, new[] { "192.0.2.7", "2001:db8::1" }));

        var ips = Sans(csr).Where(n => n.TagNo == GeneralName.IPAddress).Select(n => Asn1OctetString.GetInstance(n.Name).GetOctets()).ToList();
        Assert.Equal(2, ips.Count);
        Assert.Equal(new byte[] { 192, 0, 2, 7 }, ips[0]);
        Assert.Equal(System.Net.IPAddress.Parse("2001:db8::1").GetAddressBytes(), ips[1]);
    }

    [Fact]
    public void AnIpOnlyRequestHasNoCommonName()
    {
        // RFC 8738 §4: the CSR for IP identifiers has them as iPAddress SANs, and no CN.
        var csr = new Pkcs10CertificationRequest(CsrBuilder.Build(TestKeys.Ec256, new string[0], new[] { "192.0.2.7", "::1" }));

        Assert.Empty(csr.GetCertificationRequestInfo().Subject.GetOidList());
        Assert.Equal(2, Sans(csr).Count(n => n.TagNo == GeneralName.IPAddress));
        Assert.True(csr.Verify());
    }

    [Fact]
    public void ReadForOrderTakesIpAddressesFromTheCsr()
    {
        string pem = "-----BEGIN CERTIFICATE REQUEST-----\n"
            + Convert.ToBase64String(CsrBuilder.Build(TestKeys.Ec256, new[] { "a.example.com" }, new[] { "2001:db8::1" }))
            + "\n-----END CERTIFICATE REQUEST-----\n";

        Assert.NotEmpty(CsrReader.ReadForOrder(pem, new[] { "2001:db8::1", "a.example.com" }));
        var ex = Assert.Throws<AcmeException>(() => CsrReader.ReadForOrder(pem, new[] { "a.example.com" }));
        Assert.Equal("AcmeCsrNamesMismatch", ex.ErrorId);
    }

    [Fact]
    public void ReadForOrderAcceptsAMatchingPemCsrInAnyOrderAndCase()
    {
        byte[] der = CsrBuilder.Build(TestKeys.Ec256, Names);

        byte[] read = CsrReader.ReadForOrder(PemText.Encode("CERTIFICATE REQUEST", der), new[] { "EXAMPLE.com", "www.example.com", "*.example.com" });

        Assert.Equal(der, read);
    }

    [Theory]
    [InlineData("www.example.com", "*.example.com")]                                     // the CSR has a name more
    [InlineData("www.example.com", "*.example.com", "example.com", "mail.example.com")] // the order has a name more
    [InlineData("www.example.com", "*.example.com", "example.org")]                     // one name differs
    public void ReadForOrderRefusesACsrWhoseNamesAreNotTheOrders(params string[] orderNames)
    {
        string pem = PemText.Encode("CERTIFICATE REQUEST", CsrBuilder.Build(TestKeys.Ec256, Names));

        var ex = Assert.Throws<AcmeException>(() => CsrReader.ReadForOrder(pem, orderNames));

        Assert.Equal("AcmeCsrNamesMismatch", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void ReadForOrderRefusesACsrWhoseSignatureDoesNotMatchItsKey()
    {
        var signer = new Asn1SignatureFactory("SHA256WITHECDSA", AcmeKey.Generate(KeyType.EC256).Pair.Private);
        var forged = new Pkcs10CertificationRequest(signer, new X509Name("CN=www.example.com"), TestKeys.Ec256.Pair.Public, null);

        var ex = Assert.Throws<AcmeException>(() =>
            CsrReader.ReadForOrder(PemText.Encode("CERTIFICATE REQUEST", forged.GetEncoded()), new[] { "www.example.com" }));

        Assert.Equal("AcmeCsrInvalid", ex.ErrorId);
    }

    [Fact]
    public void ReadForOrderTakesTheCommonNameWhenThereIsNoSan()
    {
        var key = TestKeys.Ec256;
        var csr = new Pkcs10CertificationRequest(new Asn1SignatureFactory("SHA256WITHECDSA", key.Pair.Private),
            new X509Name("CN=www.example.com"), key.Pair.Public, null);
        string pem = PemText.Encode("CERTIFICATE REQUEST", csr.GetEncoded());

        Assert.Equal(csr.GetEncoded(), CsrReader.ReadForOrder(pem, new[] { "www.example.com" }));
        Assert.Equal("AcmeCsrNamesMismatch", Assert.Throws<AcmeException>(() => CsrReader.ReadForOrder(pem, new[] { "example.com" })).ErrorId);
    }

    [Theory]
    [InlineData("not a csr")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n")]
    public void ReadForOrderRefusesSomethingThatIsNotACsr(string pem)
    {
        Assert.Equal("AcmeCsrInvalid", Assert.Throws<AcmeException>(() => CsrReader.ReadForOrder(pem, new[] { "www.example.com" })).ErrorId);
    }

    [Fact]
    public void ReadForOrderRefusesAPrivateKeyPem()
    {
        Assert.Equal("AcmeCsrInvalid", Assert.Throws<AcmeException>(() => CsrReader.ReadForOrder(TestKeys.Ec256.ToPem(), new[] { "a.example.com" })).ErrorId);
    }

    private static IList<string> CommonNames(Pkcs10CertificationRequest csr) =>
        csr.GetCertificationRequestInfo().Subject.GetValueList(X509Name.CN);

    /// <summary>The SAN of the extensionRequest attribute, read with BouncyCastle (not CsrReader).</summary>
    private static GeneralName[] Sans(Pkcs10CertificationRequest csr)
    {
        var extensions = csr.GetRequestedExtensions();
        Assert.NotNull(extensions);
        var san = extensions.GetExtension(X509Extensions.SubjectAlternativeName);
        Assert.NotNull(san);
        return GeneralNames.GetInstance(san.GetParsedValue()).GetNames();
    }

    private static string[] DnsSans(Pkcs10CertificationRequest csr)
    {
        var names = Sans(csr);
        Assert.All(names, n => Assert.Equal(GeneralName.DnsName, n.TagNo));
        return names.Select(n => DerIA5String.GetInstance(n.Name).GetString()).ToArray();
    }
}
