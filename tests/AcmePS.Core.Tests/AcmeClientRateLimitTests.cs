using AcmePS.Core.Tests.Fakes;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>A request rate limit spaces the requests to a CA, counted on the (fake) clock.</summary>
public class AcmeClientRateLimitTests
{
    [Fact]
    public async Task RequestsStartNoMoreOftenThanTheLimit()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, h.OrderCreated());
        await Task.Run(async () =>
        {
            AcmePS.Core.Http.RequestRateLimiter.Current = new AcmePS.Core.Http.RequestRateLimiter(4);
            for (int i = 0; i < 5; i++) await h.NewOrder();
        });

        // directory GET + HEAD newNonce + 5 POSTs = 7 requests: 6 gaps of 250 ms at least
        int requests = h.Server.Requests.Count;
        Assert.Equal(7, requests);
        var waited = h.Clock.Delays.Aggregate(TimeSpan.Zero, (a, d) => a + d);
        Assert.Equal(TimeSpan.FromMilliseconds(250 * (requests - 1)), waited);
        Assert.All(h.Clock.Delays, d => Assert.True(d <= TimeSpan.FromMilliseconds(250)));
    }

    [Fact]
    public async Task WithoutALimitNothingWaits()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, h.OrderCreated());

        for (int i = 0; i < 5; i++) await h.NewOrder();

        Assert.Empty(h.Clock.Delays);
    }

    [Fact]
    public async Task AnOperationsOwnLimitSlowsOnlyThatOperation()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, h.OrderCreated());
        await h.NewOrder();   // directory and nonce out of the way

        await Task.Run(async () =>
        {
            AcmePS.Core.Http.RequestRateLimiter.Current = new AcmePS.Core.Http.RequestRateLimiter(2);
            for (int i = 0; i < 3; i++) await h.NewOrder();
        });
        Assert.Equal(2, h.Clock.Delays.Count);   // 3 requests of the limited operation, 500 ms apart
        Assert.All(h.Clock.Delays, d => Assert.Equal(TimeSpan.FromMilliseconds(500), d));

        for (int i = 0; i < 3; i++) await h.NewOrder();   // another operation: no limit, and none left behind
        Assert.Equal(2, h.Clock.Delays.Count);
        Assert.Null(AcmePS.Core.Http.RequestRateLimiter.Current);
    }
}
