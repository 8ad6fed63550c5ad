using AcmePS.Core.Protocol;
using Xunit;

namespace AcmePS.Core.Tests;

public class ProblemTests
{
    // RFC 8555 §6.7.1, the example of a problem with subproblems.
    private const string Document = @"{
        ""type"": ""urn:ietf:params:acme:error:malformed"",
        ""detail"": ""Some of the identifiers requested were rejected"",
        ""status"": 400,
        ""subproblems"": [
            { ""type"": ""urn:ietf:params:acme:error:malformed"",
              ""detail"": ""Invalid underscore in DNS name \""_example.org\"""",
              ""identifier"": { ""type"": ""dns"", ""value"": ""_example.org"" } },
            { ""type"": ""urn:ietf:params:acme:error:rejectedIdentifier"",
              ""detail"": ""This CA will not issue for \""example.net\"""",
              ""identifier"": { ""type"": ""dns"", ""value"": ""example.net"" } }
        ]
    }";

    [Fact]
    public void ParseReadsTypeDetailStatusAndSubproblemsWithIdentifiers()
    {
        var p = AcmeProblem.Parse(Document);

        Assert.Equal("urn:ietf:params:acme:error:malformed", p.Type);
        Assert.Equal("malformed", p.ShortType);
        Assert.Equal("Some of the identifiers requested were rejected", p.Detail);
        Assert.Equal(400, p.Status);
        Assert.Equal(2, p.Subproblems.Count);
        Assert.Equal("malformed", p.Subproblems[0].ShortType);
        Assert.Equal("dns", p.Subproblems[0].Identifier.Type);
        Assert.Equal("_example.org", p.Subproblems[0].Identifier.Value);
        Assert.Equal("rejectedIdentifier", p.Subproblems[1].ShortType);
        Assert.Equal("example.net", p.Subproblems[1].Identifier.Value);
        Assert.Equal("This CA will not issue for \"example.net\"", p.Subproblems[1].Detail);
        Assert.True(p.Is("malformed"));
        Assert.False(p.Is("rejectedIdentifier"));
    }

    [Theory]
    [InlineData("urn:ietf:params:acme:error:badNonce", "badNonce")]
    [InlineData("urn:ietf:params:acme:error:rateLimited", "rateLimited")]
    [InlineData("about:blank", "about:blank")]                                   // another namespace keeps the whole type
    [InlineData("urn:ietf:params:acme:errors:badNonce", "urn:ietf:params:acme:errors:badNonce")]
    [InlineData(null, null)]
    public void ShortTypeStripsOnlyTheAcmeErrorNamespace(string type, string expected)
    {
        Assert.Equal(expected, new AcmeProblem { Type = type }.ShortType);
    }

    [Theory]
    [InlineData("rateLimited", "AcmeRateLimited")]
    [InlineData("badNonce", "AcmeBadNonce")]
    [InlineData("badCSR", "AcmeBadCSR")]
    [InlineData("about:blank", "AcmeServerError")]
    [InlineData("", "AcmeServerError")]
    [InlineData(null, "AcmeServerError")]
    public void ErrorIdForMakesAStableId(string shortType, string expected)
    {
        Assert.Equal(expected, AcmeProblem.ErrorIdFor(shortType));
    }

    [Fact]
    public void ParseOfABodyThatIsNotJsonKeepsItAsTheDetail()
    {
        var p = AcmeProblem.Parse("<html>502 Bad Gateway</html>");

        Assert.Equal("<html>502 Bad Gateway</html>", p.Detail);
        Assert.Null(p.Type);
    }

    [Fact]
    public void ProblemExceptionKeepsStatusRetryAfterKindAndNamesTheSubproblems()
    {
        var problem = AcmeProblem.Parse(Document);
        problem.Type = AcmeProblem.Prefix + "rateLimited";

        var ex = new AcmeProblemException(problem, 429, TimeSpan.FromHours(1), "https://ca.test/acme/new-order");

        Assert.Equal("AcmeRateLimited", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.LimitsExceeded, ex.Kind);
        Assert.Equal(429, ex.HttpStatus);
        Assert.Equal(TimeSpan.FromHours(1), ex.RetryAfter);
        Assert.Equal("https://ca.test/acme/new-order", ex.Url);
        Assert.Same(problem, ex.Problem);
        Assert.Contains("Some of the identifiers requested were rejected", ex.Message);
        Assert.Contains("_example.org: Invalid underscore in DNS name \"_example.org\" (malformed)", ex.Message);
        Assert.Contains("example.net: This CA will not issue for \"example.net\" (rejectedIdentifier)", ex.Message);
        Assert.Contains("429", ex.Message);
        Assert.Contains("3600 s", ex.Message);
        Assert.IsAssignableFrom<AcmeException>(ex);
    }

    [Theory]
    [InlineData("rateLimited", 429, AcmeErrorKind.LimitsExceeded)]
    [InlineData("unauthorized", 403, AcmeErrorKind.PermissionDenied)]
    [InlineData("rejectedIdentifier", 400, AcmeErrorKind.InvalidArgument)]
    [InlineData("orderNotReady", 403, AcmeErrorKind.InvalidOperation)]
    [InlineData("serverInternal", 500, AcmeErrorKind.ConnectionError)]
    [InlineData("somethingNew", 404, AcmeErrorKind.NotFound)]
    [InlineData("somethingNew", 400, AcmeErrorKind.NotSpecified)]
    public void KindFollowsTheProblemType(string shortType, int status, AcmeErrorKind kind)
    {
        var ex = new AcmeProblemException(new AcmeProblem { Type = AcmeProblem.Prefix + shortType, Detail = "x" }, status, null, "https://ca.test/x");

        Assert.Equal(kind, ex.Kind);
        Assert.DoesNotContain("Retry after", ex.Message);
    }

    [Fact]
    public void TargetIsTheIdentifierWhenThereIsOneElseTheUrl()
    {
        var withId = new AcmeProblem { Type = AcmeProblem.Prefix + "caa", Identifier = new AcmeIdentifier("dns", "example.com") };
        var without = new AcmeProblem { Type = AcmeProblem.Prefix + "caa" };

        Assert.Equal("example.com", new AcmeProblemException(withId, 403, null, "https://ca.test/a").Target);
        Assert.Equal("https://ca.test/a", new AcmeProblemException(without, 403, null, "https://ca.test/a").Target);
    }
}
