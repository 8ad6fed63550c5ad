#nullable enable
using AcmePS.Core.Challenges;
using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>The answer computed for each challenge type a CA may offer, as a plugin receives it.</summary>
public class PendingChallengesTests
{
    private static readonly Uri Account = new("https://example.com/acme/acct/ExampleAccount");
    private static readonly AcmeSigner Signer = new(TestKeys.Ec256, Account);
    private static readonly OrderRecord Order = new() { Name = "o", ServerId = "s", AccountId = "a" };

    private static PendingChallenge Build(string type, string identifier = "example.org", bool wildcard = false, string? token = "tok",
        params string[] issuers)
    {
        var authz = new AcmeAuthorizationResource
        {
            Status = "pending", Wildcard = wildcard, Identifier = new AcmeIdentifier("dns", identifier), Location = new Uri("https://ca.test/authz/1"),
        };
        var challenge = new AcmeChallengeResource
        {
            Type = type, Token = token, Status = "pending", Url = new Uri("https://ca.test/chall/1"), IssuerDomainNames = issuers.ToList(),
        };
        return PendingChallenges.Build(Order, authz, challenge, Signer);
    }

    [Fact]
    public void DnsAccount01IsADns01ValueAtTheAccountsOwnName()
    {
        var c = Build("dns-account-01", "example.org", wildcard: true);

        Assert.Equal("*.example.org", c.Identifier);
        Assert.Equal("_ujmmovf2vn55tgye._acme-challenge.example.org", c.RecordName);
        Assert.Equal(ChallengeAnswers.Dns01Value(ChallengeAnswers.KeyAuthorization("tok", TestKeys.Ec256)), c.RecordValue);
    }

    [Fact]
    public void DnsPersist01NamesTheFirstIssuerDomainAndTheAccountAndNeedsNoToken()
    {
        var c = Build("dns-persist-01", "example.org", wildcard: true, token: null, "authority.example", "other.example");

        Assert.Null(c.KeyAuthorization);
        Assert.Equal("_validation-persist.example.org", c.RecordName);
        Assert.Equal("authority.example; accounturi=https://example.com/acme/acct/ExampleAccount; policy=wildcard", c.RecordValue);
    }

    [Fact]
    public void TlsAlpn01HasTheKeyAuthorizationAndNoRecord()
    {
        var c = Build("tls-alpn-01");

        Assert.Equal(ChallengeAnswers.KeyAuthorization("tok", TestKeys.Ec256), c.KeyAuthorization);
        Assert.Null(c.RecordName);
        Assert.Null(c.HttpPath);
    }

    [Fact]
    public void Dns01AndHttp01AreUnchanged()
    {
        var dns = Build("dns-01", "www.example.org");
        var http = Build("http-01", "www.example.org");

        Assert.Equal("_acme-challenge.www.example.org", dns.RecordName);
        Assert.Equal("/.well-known/acme-challenge/tok", http.HttpPath);
        Assert.Equal(http.KeyAuthorization, http.HttpContent);
    }
}
