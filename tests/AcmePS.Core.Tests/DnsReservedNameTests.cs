using AcmePS.Core.Dns;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>Names whose propagation is not checked unless servers are given: the domains reserved by RFC 2606 and RFC 6761.</summary>
public class DnsReservedNameTests
{
    [Theory]
    [InlineData("_acme-challenge.www.bind.test", true)]
    [InlineData("_acme-challenge.host.example", true)]
    [InlineData("_acme-challenge.a.invalid.", true)]
    [InlineData("_acme-challenge.LOCALHOST", true)]
    [InlineData("_acme-challenge.example.com", true)]
    [InlineData("_acme-challenge.www.Example.Net", true)]
    [InlineData("_acme-challenge.shop.example.org.", true)]
    [InlineData("_acme-challenge.example.co.uk", false)]
    [InlineData("_acme-challenge.myexample.com", false)]
    [InlineData("_acme-challenge.example.com.au", false)]
    [InlineData("_acme-challenge.acmeps-test.org", false)]
    [InlineData("_acme-challenge.testing", false)]
    public void ReservedForTestsAndDocumentation(string name, bool reserved) => Assert.Equal(reserved, DnsPropagation.IsReservedName(name));
}
