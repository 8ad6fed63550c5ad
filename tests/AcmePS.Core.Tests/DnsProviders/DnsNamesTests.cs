using AcmePS.Core.Dns.Providers;
using Xunit;

namespace AcmePS.Core.Tests.DnsProviders;

public class DnsNamesTests
{
    [Fact]
    public void TheLongestZoneSuffixWins()
    {
        var zones = new[] { "example.com", "sub.example.com", "ample.com", "other.net" };
        Assert.Equal("sub.example.com", DnsNames.LongestSuffix("_acme-challenge.a.sub.example.com", zones));
        Assert.Equal("example.com", DnsNames.LongestSuffix("_acme-challenge.EXAMPLE.com.", zones));
        Assert.Null(DnsNames.LongestSuffix("_acme-challenge.xample.org", zones));
        Assert.Null(DnsNames.LongestSuffix("_acme-challenge.notexample.net", new[] { "example.net" }));
    }

    [Fact]
    public void RelativeNamesAndParentZones()
    {
        Assert.Equal("_acme-challenge.a", DnsNames.Relative("_acme-challenge.a.example.com", "example.com"));
        Assert.Equal("@", DnsNames.Relative("example.com.", "example.com"));
        Assert.Equal(new[] { "a.example.com", "example.com", "com" }, DnsNames.ParentZones("_acme-challenge.a.example.com.").ToArray());
    }
}
