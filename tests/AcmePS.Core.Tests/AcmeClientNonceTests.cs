using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Fakes;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>Nonces (RFC 8555 §6.5) and the directory, through a scripted server.</summary>
public class AcmeClientNonceTests
{
    [Fact]
    public async Task BadNonceIsRetriedWithTheNonceOfTheErrorResponse()
    {
        var h = new ClientHarness();
        h.Server.Enqueue(h.Server.NewOrderUrl,
            _ => Responses.Problem(400, "badNonce", "stale nonce", nonce: "nonce-from-the-error"),
            h.OrderCreated());

        var order = await h.NewOrder();

        Assert.Equal(h.Server.OrderUrl, order.Location);
        var posts = h.Server.To("POST", h.Server.NewOrderUrl);
        Assert.Equal(2, posts.Count);
        Assert.Equal("nonce-from-the-error", posts[1].Nonce);
        Assert.NotEqual(posts[0].Nonce, posts[1].Nonce);
        Assert.Equal(posts[0].PayloadText, posts[1].PayloadText);
        Assert.Equal(1, h.Server.Count("HEAD"));   // the error's nonce was used, no new one fetched
        Assert.Empty(h.Clock.Delays);              // and nothing waited for
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(10)]
    public async Task BadNonceForeverGivesUpAfterTheConfiguredRetries(int retries)
    {
        var h = new ClientHarness(new RetryPolicy { BadNonceRetries = retries });
        h.Server.Always(h.Server.NewOrderUrl, _ => Responses.Problem(400, "badNonce", "never good"));

        var ex = await Assert.ThrowsAsync<AcmeProblemException>(() => h.NewOrder());

        Assert.Equal("AcmeBadNonce", ex.ErrorId);
        Assert.Equal(400, ex.HttpStatus);
        Assert.Equal(1 + retries, h.Server.Count("POST", h.Server.NewOrderUrl));
    }

    [Fact]
    public async Task DefaultPolicyRetriesBadNonceTenTimes()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, _ => Responses.Problem(400, "badNonce", "never good"));

        await Assert.ThrowsAsync<AcmeProblemException>(() => h.NewOrder());

        Assert.Equal(11, h.Server.Count("POST", h.Server.NewOrderUrl));
    }

    [Fact]
    public async Task BadNonceIsRetriedEvenWhereTransientFaultsAreNot()
    {
        // finalize is never repeated blindly, but a badNonce answer means the CA did not act on the request.
        var h = new ClientHarness();
        h.Server.Enqueue(h.Server.FinalizeUrl,
            _ => Responses.Problem(400, "badNonce"),
            _ => Responses.Json(200, h.Server.Order("processing")));

        var order = await h.Client.FinalizeAsync(h.Signer, h.ReadyOrder(), new byte[] { 1, 2, 3 }, ClientHarness.None);

        Assert.Equal("processing", order.Status);
        Assert.Equal(2, h.Server.Count("POST", h.Server.FinalizeUrl));
    }

    [Fact]
    public async Task DirectoryIsFetchedOnceForManyRequests()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, h.OrderCreated());
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("pending")));

        for (int i = 0; i < 3; i++) await h.NewOrder();
        for (int i = 0; i < 3; i++) await h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None);
        var directory = await h.Client.GetDirectoryAsync(ClientHarness.None);

        Assert.Equal(h.Server.NewOrderUrl, directory.NewOrder);
        Assert.Equal("https://ca.test/tos", directory.Meta.TermsOfService);
        Assert.Equal(1, h.Server.Count("GET", h.Server.DirectoryUrl));
    }

    [Fact]
    public async Task ConcurrentFirstRequestsShareOneDirectoryFetch()
    {
        var h = new ClientHarness();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => h.Client.GetDirectoryAsync(ClientHarness.None))));

        Assert.Equal(1, h.Server.Count("GET", h.Server.DirectoryUrl));
    }

    [Fact]
    public async Task EveryReplayNonceIsReusedSoOneHeadServesManyPosts()
    {
        const int n = 8;
        var h = new ClientHarness();
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("pending")));

        for (int i = 0; i < n; i++) await h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None);

        Assert.Equal(1, h.Server.Count("HEAD", h.Server.NewNonceUrl));
        var posts = h.Server.To("POST", h.Server.OrderUrl);
        Assert.Equal(n, posts.Count);
        Assert.All(posts, p => Assert.Equal(200, p.Response.StatusCode)); // the fake refuses reused nonces
        for (int i = 1; i < n; i++) Assert.Equal(posts[i - 1].Response.ReplayNonce, posts[i].Nonce);
        Assert.Equal(n, posts.Select(p => p.Nonce).Distinct().Count());
    }

    [Fact]
    public async Task NonceOfAnErrorAnswerIsKeptForTheNextRequest()
    {
        var h = new ClientHarness();
        h.Server.Enqueue(h.Server.OrderUrl, _ => Responses.Problem(404, "malformed", "no such order", nonce: "nonce-of-the-404"));
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("pending")));

        await Assert.ThrowsAsync<AcmeProblemException>(() => h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None));
        await h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None);

        Assert.Equal("nonce-of-the-404", h.Server.To("POST", h.Server.OrderUrl)[1].Nonce);
        Assert.Equal(1, h.Server.Count("HEAD"));
    }

    [Fact]
    public async Task AnswerWithoutReplayNonceMakesTheNextRequestFetchOne()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("pending"), nonce: Responses.NoNonce));

        await h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None);
        await h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None);

        Assert.Equal(2, h.Server.Count("HEAD", h.Server.NewNonceUrl));
    }

    [Fact]
    public async Task SignedRequestsCarryTheAccountUrlAndThePostUrl()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("pending")));

        await h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None);

        var post = h.Server.To("POST", h.Server.OrderUrl).Single();
        Assert.Equal(h.Server.AccountUrl.AbsoluteUri, (string)post.Protected["kid"]);
        Assert.Equal(h.Server.OrderUrl.AbsoluteUri, (string)post.Protected["url"]);
        Assert.Null(post.Protected["jwk"]);
        Assert.Equal("", post.PayloadText); // POST-as-GET
    }

    [Fact]
    public async Task DirectoryWithoutNewNonceThrowsAcmeServerNotAcme()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.DirectoryUrl, _ => Responses.Json(200, new Newtonsoft.Json.Linq.JObject { ["hello"] = "world" }));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => h.Client.GetDirectoryAsync(ClientHarness.None));

        Assert.Equal("AcmeServerNotAcme", ex.ErrorId);
    }
}
