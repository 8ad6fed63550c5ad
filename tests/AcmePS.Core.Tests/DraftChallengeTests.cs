using System.Security.Cryptography;
using System.Text;
using AcmePS.Core.Challenges;
using AcmePS.Core.Util;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>dns-account-01 (draft-ietf-acme-dns-account-label) and dns-persist-01 (draft-ietf-acme-dns-persist) answers.</summary>
public class DraftChallengeTests
{
    // The draft's example: account https://example.com/acme/acct/ExampleAccount has the label _ujmmovf2vn55tgye.
    private static readonly Uri DraftAccount = new("https://example.com/acme/acct/ExampleAccount");

    [Fact]
    public void DnsAccountLabelMatchesTheDraftExample()
    {
        Assert.Equal("_ujmmovf2vn55tgye", ChallengeAnswers.DnsAccountLabel(DraftAccount));
    }

    [Fact]
    public void DnsAccountLabelIsBase32OfTheFirstTenBytesOfTheUrlsSha256LowerCased()
    {
        var url = new Uri("https://ca.test/acme/acct/1");
        byte[] first10 = SHA256.HashData(Encoding.UTF8.GetBytes(url.OriginalString)).Take(10).ToArray();

        string label = ChallengeAnswers.DnsAccountLabel(url);

        Assert.Equal(17, label.Length); // "_" + 16 characters: 80 bits, no padding
        Assert.Equal("_" + Base32.Encode(first10).ToLowerInvariant(), label);
        Assert.Matches("^_[a-z2-7]{16}$", label);
    }

    [Fact]
    public void DnsAccountRecordNameSitsUnderAcmeChallengeWithoutTheWildcardLabel()
    {
        Assert.Equal("_ujmmovf2vn55tgye._acme-challenge.example.org", ChallengeAnswers.DnsAccount01RecordName("example.org", DraftAccount));
        Assert.Equal("_ujmmovf2vn55tgye._acme-challenge.example.org", ChallengeAnswers.DnsAccount01RecordName("*.example.org", DraftAccount));
    }

    [Theory]
    [InlineData(new byte[0], "")]
    [InlineData(new byte[] { 0x66 }, "MY======")]
    [InlineData(new byte[] { 0x66, 0x6f, 0x6f, 0x62, 0x61 }, "MZXW6YTB")]
    [InlineData(new byte[] { 0x66, 0x6f, 0x6f, 0x62, 0x61, 0x72 }, "MZXW6YTBOI======")]
    public void Base32MatchesRfc4648TestVectors(byte[] data, string expected)
    {
        Assert.Equal(expected, Base32.Encode(data));
    }

    [Fact]
    public void DnsPersistRecordMatchesTheDraftExample()
    {
        // _validation-persist.example.com. IN TXT "authority.example; accounturi=https://ca.example/acct/123"
        var account = new Uri("https://ca.example/acct/123");

        Assert.Equal("_validation-persist.example.com", ChallengeAnswers.DnsPersist01RecordName("example.com"));
        Assert.Equal("authority.example; accounturi=https://ca.example/acct/123", ChallengeAnswers.DnsPersist01Value("authority.example", account, false));
    }

    [Fact]
    public void DnsPersistForAWildcardAddsPolicyWildcardAndPersistUntilIsUnixSeconds()
    {
        var account = new Uri("https://ca.example/acct/123");

        Assert.Equal("_validation-persist.example.com", ChallengeAnswers.DnsPersist01RecordName("*.example.com"));
        Assert.Equal("authority.example; accounturi=https://ca.example/acct/123; policy=wildcard; persistUntil=1767225600",
            ChallengeAnswers.DnsPersist01Value("Authority.Example.", account, true, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void DnsPersistWithoutAnIssuerDomainIsAClearError()
    {
        var ex = Assert.Throws<AcmeException>(() => ChallengeAnswers.DnsPersist01Value(null, new Uri("https://ca.example/acct/1"), false));
        Assert.Equal("AcmeChallengeInvalid", ex.ErrorId);
    }

    [Theory]
    [InlineData("www.Example.com", "www.example.com")]
    [InlineData("127.0.0.1", "1.0.0.127.in-addr.arpa")]
    [InlineData("2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")]
    public void TlsAlpnServerNameIsTheNameOrTheReverseDnsNameOfAnAddress(string identifier, string expected)
    {
        // RFC 8738 §6 and the ip6.arpa example of RFC 3596 §2.5.
        Assert.Equal(expected, ChallengeAnswers.TlsAlpnServerName(identifier));
    }
}
