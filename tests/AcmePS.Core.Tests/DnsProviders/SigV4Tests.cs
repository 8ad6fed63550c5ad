using System.Text;
using AcmePS.Core.Dns.Providers.Route53;
using Xunit;

namespace AcmePS.Core.Tests.DnsProviders;

/// <summary>
/// The signer against the AWS SigV4 test suite as awslabs/aws-c-auth keeps it (tests/aws-signing-test-suite/v4/&lt;case&gt;/
/// header-signed-request.txt, Apache-2.0): each case is the request as signed, with the Authorization header the suite
/// expects. Context of every case: AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, us-east-1, service
/// "service", 2015-08-30T12:36:00Z (get-vanilla-with-session-token adds its token).
/// </summary>
public class SigV4Tests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Time = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private const string Scope = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

    public static TheoryData<string, string, string> Vectors => new()
    {
        { "get-vanilla", "GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\n",
            "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-vanilla-query-order-key-case", "GET /?Param2=value2&Param1=value1 HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\n",
            "SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
        { "get-header-key-duplicate", "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value2\nMy-Header1:value2\nMy-Header1:value1\nX-Amz-Date:20150830T123600Z\n\n",
            "SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
        { "get-header-value-trim", "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1: value1\nMy-Header2: \"a   b   c\"\nX-Amz-Date:20150830T123600Z\n\n",
            "SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
        { "get-vanilla-with-session-token", "GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\nX-Amz-Security-Token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\n",
            "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8" },
        { "get-unreserved", "GET /-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\n",
            "SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
        { "get-vanilla-query-unreserved", "GET /?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\n",
            "SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197" },
        { "get-vanilla-utf8-query", "GET /?\u1234=bar HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\n",
            "SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04" },
        { "post-x-www-form-urlencoded", "POST / HTTP/1.1\nContent-Type:application/x-www-form-urlencoded\nHost:example.amazonaws.com\nContent-Length:13\nx-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\nX-Amz-Date:20150830T123600Z\n\nParam1=value1",
            "SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void SignsLikeTheAwsTestSuite(string name, string request, string expected)
    {
        var (method, path, query, headers, body) = Parse(request);
        string token = headers.FirstOrDefault(h => h.Key.Equals("X-Amz-Security-Token", StringComparison.OrdinalIgnoreCase)).Value;
        var credentials = new AwsCredentials("AKIDEXAMPLE", Secret, token);
        string authorization = SigV4.Authorization(credentials, "us-east-1", "service", Time, method, path, query, headers, Encoding.UTF8.GetBytes(body));
        Assert.True(authorization == $"AWS4-HMAC-SHA256 {Scope}, {expected}", $"{name}: {authorization}");
    }

    [Fact]
    public void GetVanillaCanonicalRequestAndStringToSign()
    {
        var (method, path, query, headers, _) = Parse("GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n\n");
        string canonical = SigV4.CanonicalRequest(method, path, query, headers, Array.Empty<byte>(), out string signed);
        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", canonical);
        Assert.Equal("host;x-amz-date", signed);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            SigV4.StringToSign(canonical, Time, "us-east-1", "service"));
    }

    [Fact]
    public void AWrongSecretGivesAnotherSignature()
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z") };
        string good = SigV4.Authorization(new AwsCredentials("AKIDEXAMPLE", Secret), "us-east-1", "service", Time, "GET", "/", "", headers, Array.Empty<byte>());
        string bad = SigV4.Authorization(new AwsCredentials("AKIDEXAMPLE", Secret + "x"), "us-east-1", "service", Time, "GET", "/", "", headers, Array.Empty<byte>());
        Assert.NotEqual(good, bad);
    }

    [Theory]
    [InlineData("abc", "\"abc\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    public void Route53QuotesTxtValues(string value, string quoted)
    {
        Assert.Equal(quoted, Route53DnsProvider.Quote(value));
        Assert.Equal(value, Route53DnsProvider.Unquote(quoted));
    }

    [Fact]
    public void Route53JoinsTheStringsOfOneValue() => Assert.Equal("part1part2", Route53DnsProvider.Unquote("\"part1\" \"part2\""));

    private static (string Method, string Path, string Query, List<KeyValuePair<string, string>> Headers, string Body) Parse(string request)
    {
        int blank = request.IndexOf("\n\n", StringComparison.Ordinal);
        var lines = request[..blank].Split('\n');
        string body = request[(blank + 2)..];
        var first = lines[0].Split(' ');
        string target = first[1];
        int q = target.IndexOf('?');
        string path = q < 0 ? target : target[..q], query = q < 0 ? "" : target[(q + 1)..];
        var headers = lines.Skip(1).Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':')], l[(l.IndexOf(':') + 1)..])).ToList();
        return (first[0], path, query, headers, body);
    }
}
