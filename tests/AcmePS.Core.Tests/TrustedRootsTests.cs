using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AcmePS.Core.Http;
using AcmePS.Core.Tests.Support;
using Xunit;

namespace AcmePS.Core.Tests;

public class TrustedRootsTests
{
    private static readonly Lazy<(X509Certificate2 Root, X509Certificate2 Leaf)> Ours = new(() => MakeChain("AcmePS Test Root", "www.example.com"));
    private static readonly Lazy<(X509Certificate2 Root, X509Certificate2 Leaf)> Theirs = new(() => MakeChain("Another Root", "www.example.com"));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("just text")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")]
    public void FromPemWithoutACertificateThrowsAcmeTrustedRootInvalid(string pem)
    {
        var ex = Assert.Throws<AcmeException>(() => TrustedRoots.FromPem(pem));

        Assert.Equal("AcmeTrustedRootInvalid", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.InvalidArgument, ex.Kind);
    }

    [Theory]
    [InlineData("-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n")]   // not valid base64
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]  // base64, but not a certificate
    public void FromPemWithACorruptCertificateThrowsAcmeTrustedRootInvalid(string pem)
    {
        // The file is the user's (Set-AcmeServer -TrustedRoot): a damaged one must give the documented error, not a raw exception.
        var ex = Record.Exception(() => TrustedRoots.FromPem(pem));

        var acme = Assert.IsType<AcmeException>(ex, exactMatch: false);
        Assert.Equal("AcmeTrustedRootInvalid", acme.ErrorId);
    }

    [Fact]
    public void FromPemReadsEveryCertificateOfABundleAndTheKeyIgnoresTheirOrder()
    {
        string a = PemText.Encode("CERTIFICATE", Ours.Value.Root.RawData);
        string b = PemText.Encode("CERTIFICATE", Theirs.Value.Root.RawData);

        var ab = TrustedRoots.FromPem("# bundle\n" + a + "\n" + b);
        var ba = TrustedRoots.FromPem(b + a);

        Assert.Equal(ab.Key, ba.Key);
        Assert.Contains(Ours.Value.Root.Thumbprint, ab.Key);
        Assert.Contains(Theirs.Value.Root.Thumbprint, ab.Key);
        Assert.NotEqual(TrustedRoots.FromPem(a).Key, ab.Key);
        Assert.Equal("# bundle\n" + a + "\n" + b, ab.Pem);
    }

    [Fact]
    public void ValidateAcceptsALeafThatChainsToTheRoot()
    {
        var roots = TrustedRoots.FromPem(PemText.Encode("CERTIFICATE", Ours.Value.Root.RawData));

        Assert.True(roots.Validate(Ours.Value.Leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void ValidateRejectsALeafOfAnotherRoot()
    {
        var roots = TrustedRoots.FromPem(PemText.Encode("CERTIFICATE", Ours.Value.Root.RawData));

        Assert.False(roots.Validate(Theirs.Value.Leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void ValidateRejectsALeafOfAnotherRootEvenWhenTheServerSentThatRoot()
    {
        // The system chain holds what the server sent: here their root, so the chain is complete but ends elsewhere.
        var roots = TrustedRoots.FromPem(PemText.Encode("CERTIFICATE", Ours.Value.Root.RawData));
        using var sent = new X509Chain();
        sent.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        sent.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        sent.ChainPolicy.ExtraStore.Add(Theirs.Value.Root);
        Assert.True(sent.Build(Theirs.Value.Leaf));
        Assert.Equal(2, sent.ChainElements.Count);

        Assert.False(roots.Validate(Theirs.Value.Leaf, sent, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void ValidateKeepsTheHostNameCheckAndTheSystemTrust()
    {
        var roots = TrustedRoots.FromPem(PemText.Encode("CERTIFICATE", Ours.Value.Root.RawData));

        Assert.False(roots.Validate(Ours.Value.Leaf, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(roots.Validate(null, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(roots.Validate(Theirs.Value.Leaf, null, SslPolicyErrors.None)); // the system already trusts it
    }

    private static (X509Certificate2 Root, X509Certificate2 Leaf) MakeChain(string rootName, string dnsName)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=" + rootName, rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=" + dnsName, leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var leaf = leafRequest.Create(root, now.AddHours(-1), now.AddDays(30), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        return (X509CertificateLoader.LoadCertificate(root.RawData), X509CertificateLoader.LoadCertificate(leaf.RawData));
    }
}
