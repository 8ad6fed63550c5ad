#nullable enable
using System.Net;
using System.Net.Sockets;
using AcmePS.Core.Plugins;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>The addresses SelfHost and TlsAlpn listen on, as the user writes them.</summary>
public class ListenAddressTests
{
    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData(" 192.0.2.7 ", "192.0.2.7")]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("[::1]", "::1")]
    [InlineData("[2001:db8::5]", "2001:db8::5")]
    public void OneAddressParses(string address, string expected)
    {
        var endPoint = ListenAddress.Parse(address, 443, "AcmeTest");
        Assert.Equal(IPAddress.Parse(expected), endPoint.Address);
        Assert.Equal(443, endPoint.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("*")]
    [InlineData(" * ")]
    public void EveryAddressIsDualStackWhereTheSystemHasIPv6(string? address) =>
        Assert.Equal(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, ListenAddress.Parse(address!, 80, "AcmeTest").Address);

    [Theory]
    [InlineData("example.com")]
    [InlineData("localhost")]
    [InlineData("1.2.3")]        // inet_aton would read 1.2.0.3
    [InlineData("10")]           // and 0.0.0.10
    [InlineData("0x7f.0.0.1")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("0.0.0.0:80")]
    [InlineData("[::1]:80")]
    [InlineData("[]")]
    [InlineData("[127.0.0.1")]
    [InlineData("**")]
    public void OtherAddressesAreRefusedWithThePluginsErrorId(string address)
    {
        var ex = Assert.Throws<AcmeException>(() => ListenAddress.Parse(address, 80, "AcmeTlsAlpn"));
        Assert.Equal("AcmeTlsAlpnAddressInvalid", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains($"'{address}'", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void PortsOutsideTheRangeAreRefusedWithThePluginsErrorId(int port) =>
        Assert.Equal("AcmeSelfHostPortInvalid", Assert.Throws<AcmeException>(() => ListenAddress.Parse("127.0.0.1", port, "AcmeSelfHost")).ErrorId);

    [Theory]
    [InlineData("127.0.0.1", 8080, "127.0.0.1:8080")]
    [InlineData("::", 443, "[::]:443")]
    [InlineData("::1", 5001, "[::1]:5001")]
    public void EndPointsAreShownWithBracketsForIPv6(string address, int port, string expected) =>
        Assert.Equal(expected, ListenAddress.Format(new IPEndPoint(IPAddress.Parse(address), port)));
}
