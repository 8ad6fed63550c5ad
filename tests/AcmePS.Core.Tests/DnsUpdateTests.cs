using System.Text;
using AcmePS.Core.Dns;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>The RFC 2136 message and its TSIG record, byte by byte (a real BIND checks them end to end in Rfc2136.Tests.ps1).</summary>
public sealed class DnsUpdateTests
{
    private static readonly TsigKey Key = new("Acme-Key.", "hmac-sha256", Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"));

    [Theory]
    [InlineData("ns1.example.com", "ns1.example.com", 53)]
    [InlineData("ns1.example.com.:5353", "ns1.example.com", 5353)]
    [InlineData("192.0.2.1:53", "192.0.2.1", 53)]
    [InlineData("[2001:db8::1]:5353", "2001:db8::1", 5353)]
    [InlineData("2001:db8::1", "2001:db8::1", 53)]
    public void ParsesServerAddresses(string text, string host, int port)
    {
        var address = DnsServerAddress.Parse(text);
        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("host:x")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    public void RefusesWhatIsNotAServer(string text)
    {
        var ex = Assert.Throws<AcmeException>(() => DnsServerAddress.Parse(text));
        Assert.Equal("AcmeDnsServerInvalid", ex.ErrorId);
    }

    [Fact]
    public void SplitsTxtValuesIntoStringsOf255Bytes()
    {
        var data = DnsWire.TxtData(new string('x', 300));
        Assert.Equal(255, data[0]);
        Assert.Equal(45, data[256]);
        Assert.Equal(302, data.Length);
        Assert.Equal(new byte[] { 0 }, DnsWire.TxtData(""));
    }

    [Theory]
    [InlineData("hmac-sha256", "hmac-sha256")]
    [InlineData("HMAC-SHA512.", "hmac-sha512")]
    [InlineData("sha256", "hmac-sha256")]
    public void NormalizesAlgorithms(string given, string expected) => Assert.Equal(expected, TsigKey.NormalizeAlgorithm(given));

    [Fact]
    public void RefusesOtherAlgorithms() =>
        Assert.Equal("AcmeRfc2136KeyAlgorithmInvalid", Assert.Throws<AcmeException>(() => TsigKey.NormalizeAlgorithm("hmac-md5")).ErrorId);

    [Fact]
    public void SignsAnUpdateWithOneTsigRecordWhoseMacCoversTheMessageAndTheVariables()
    {
        var message = new DnsUpdateMessage("Example.COM.", 0x1234);
        message.AddTxt("_acme-challenge.example.com", "value-one", 60);
        message.DeleteTxt("_acme-challenge.example.com", "value-two");
        var time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        byte[] signed = message.Sign(Key, time, out byte[] mac);

        // header: ID, opcode UPDATE, one zone, no prerequisites, two updates, one additional (the TSIG)
        Assert.Equal(new byte[] { 0x12, 0x34, 0x28, 0x00, 0, 1, 0, 0, 0, 2, 0, 1 }, signed.Take(12).ToArray());
        Assert.Equal(32, mac.Length);

        // the MAC input (RFC 8945 4.3.3): the message without TSIG and ARCOUNT 0, then the canonical variables
        int tsigStart = FindTsig(signed);
        var input = new List<byte>(signed.Take(tsigStart));
        input[11] = 0;
        DnsWire.WriteName(input, "acme-key");
        DnsWire.WriteU16(input, 255);
        DnsWire.WriteU32(input, 0);
        DnsWire.WriteName(input, "hmac-sha256");
        DnsWire.WriteU48(input, 1_700_000_000);
        DnsWire.WriteU16(input, 300);
        DnsWire.WriteU16(input, 0);
        DnsWire.WriteU16(input, 0);
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"));
        Assert.Equal(hmac.ComputeHash(input.ToArray()), mac);
        Assert.Equal("acme-key", DnsWire.ReadName(signed, tsigStart));
        // the delete of one value is CLASS NONE with TTL 0 (RFC 2136 2.5.4)
        Assert.Contains(Hex(new byte[] { 0, 16, 0, 254, 0, 0, 0, 0 }), Hex(signed));
    }

    [Fact]
    public void ReadsAnUnsignedBadsigAnswerAsTsigError16()
    {
        var answer = new List<byte>();
        DnsWire.WriteU16(answer, 0x1234);
        DnsWire.WriteU16(answer, 0xA809); // QR, UPDATE, RCODE 9 (NOTAUTH)
        foreach (int count in new[] { 1, 0, 0, 1 }) DnsWire.WriteU16(answer, count);
        DnsWire.WriteName(answer, "example.com");
        DnsWire.WriteU16(answer, 6);
        DnsWire.WriteU16(answer, 1);
        DnsWire.WriteName(answer, "acme-key");
        DnsWire.WriteU16(answer, 250);
        DnsWire.WriteU16(answer, 255);
        DnsWire.WriteU32(answer, 0);
        var rdata = new List<byte>();
        DnsWire.WriteName(rdata, "hmac-sha256");
        DnsWire.WriteU48(rdata, 1_700_000_000);
        DnsWire.WriteU16(rdata, 300);
        DnsWire.WriteU16(rdata, 0); // no MAC
        DnsWire.WriteU16(rdata, 0x1234);
        DnsWire.WriteU16(rdata, 16); // BADSIG
        DnsWire.WriteU16(rdata, 0);
        DnsWire.WriteU16(answer, rdata.Count);
        answer.AddRange(rdata);

        var response = DnsUpdateMessage.ReadResponse(answer.ToArray(), Key, new byte[32]);
        Assert.Equal(9, response.ResponseCode);
        Assert.True(response.Signed);
        Assert.Equal(16, response.TsigError);
        Assert.False(response.MacValid);
    }

    private static int FindTsig(byte[] message)
    {
        int offset = DnsWire.SkipName(message, 12) + 4;
        for (int i = 0; i < 2; i++)
        {
            offset = DnsWire.SkipName(message, offset);
            offset += 10 + DnsWire.ReadU16(message, offset + 8);
        }
        return offset;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
