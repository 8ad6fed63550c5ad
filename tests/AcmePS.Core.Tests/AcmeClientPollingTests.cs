using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Fakes;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>Polling authorizations and orders on a fake clock: waits are recorded, never slept.</summary>
public class AcmeClientPollingTests
{
    [Fact]
    public async Task AuthorizationIsPolledUntilValidHonouringRetryAfter()
    {
        var h = new ClientHarness();
        h.Server.Enqueue(h.Server.AuthorizationUrl,
            _ => Responses.Json(200, h.Server.Authorization("pending"), retryAfter: TimeSpan.FromSeconds(3)),
            _ => Responses.Json(200, h.Server.Authorization("pending"), retryAfter: TimeSpan.FromSeconds(3)),
            _ => Responses.Json(200, h.Server.Authorization("valid")));
        var seen = new List<string>();

        var authz = await h.Client.WaitForAuthorizationAsync(h.Signer, h.Server.AuthorizationUrl, TimeSpan.FromMinutes(1),
            a => seen.Add(a.Status), ClientHarness.None);

        Assert.Equal("valid", authz.Status);
        Assert.Equal("www.example.com", authz.Identifier.Value);
        Assert.Equal(h.Server.AuthorizationUrl, authz.Location);
        Assert.Equal(new[] { "pending", "pending", "valid" }, seen);
        Assert.Equal(new[] { TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3) }, h.Clock.Delays);
        Assert.Equal(3, h.Server.Count("POST", h.Server.AuthorizationUrl));
    }

    [Fact]
    public async Task AuthorizationStillPendingWhenTheClockPassesTheTimeoutThrowsAcmeAuthorizationTimeout()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.AuthorizationUrl, _ => Responses.Json(200, h.Server.Authorization("pending"), retryAfter: TimeSpan.FromSeconds(3)));
        var timeout = TimeSpan.FromSeconds(10);

        var ex = await Assert.ThrowsAsync<AcmeException>(() =>
            h.Client.WaitForAuthorizationAsync(h.Signer, h.Server.AuthorizationUrl, timeout, null, ClientHarness.None));

        Assert.Equal("AcmeAuthorizationTimeout", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.OperationTimeout, ex.Kind);
        Assert.All(h.Clock.Delays, d => Assert.InRange(d, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(3)));
        Assert.Equal(timeout, h.Clock.UtcNow - h.Clock.Start);               // waited the whole timeout, not longer
        Assert.Equal(h.Clock.Delays.Count + 1, h.Server.Count("POST", h.Server.AuthorizationUrl)); // a last look at the deadline
        Assert.True(h.Clock.Delays.Count >= 4);
    }

    [Fact]
    public async Task InvalidAuthorizationEndsTheWait()
    {
        var h = new ClientHarness();
        h.Server.Enqueue(h.Server.AuthorizationUrl,
            _ => Responses.Json(200, h.Server.Authorization("pending")),
            _ => Responses.Json(200, h.Server.Authorization("invalid")));

        var authz = await h.Client.WaitForAuthorizationAsync(h.Signer, h.Server.AuthorizationUrl, TimeSpan.FromMinutes(1), null, ClientHarness.None);

        Assert.Equal("invalid", authz.Status);
        Assert.Single(h.Clock.Delays);
    }

    [Fact]
    public async Task WithoutRetryAfterPollingBacksOffUpToPollMax()
    {
        var policy = new RetryPolicy { PollStart = TimeSpan.FromMilliseconds(100), PollMax = TimeSpan.FromSeconds(1) };
        var h = new ClientHarness(policy);
        var script = Enumerable.Repeat<Responder>(_ => Responses.Json(200, h.Server.Authorization("pending")), 12)
            .Append(_ => Responses.Json(200, h.Server.Authorization("valid"))).ToArray();
        h.Server.Enqueue(h.Server.AuthorizationUrl, script);

        await h.Client.WaitForAuthorizationAsync(h.Signer, h.Server.AuthorizationUrl, TimeSpan.FromMinutes(5), null, ClientHarness.None);

        var delays = h.Clock.Delays;
        Assert.Equal(12, delays.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(100), delays[0]);
        for (int i = 1; i < delays.Count; i++) Assert.True(delays[i] >= delays[i - 1], $"wait {i} shrank: {delays[i]} < {delays[i - 1]}");
        Assert.All(delays, d => Assert.True(d <= TimeSpan.FromSeconds(1), $"wait {d} is above PollMax"));
        Assert.Equal(TimeSpan.FromSeconds(1), delays[^1]);
    }

    [Theory]
    [InlineData(8, 8)]     // a Retry-After above PollMax is still honoured...
    [InlineData(600, 60)]  // ...up to RetryAfterMax
    public async Task LongRetryAfterIsHonouredUpToRetryAfterMax(int retryAfterSeconds, int expectedSeconds)
    {
        var h = new ClientHarness(new RetryPolicy { PollMax = TimeSpan.FromSeconds(5), RetryAfterMax = TimeSpan.FromSeconds(60) });
        h.Server.Enqueue(h.Server.OrderUrl,
            _ => Responses.Json(200, h.Server.Order("processing"), retryAfter: TimeSpan.FromSeconds(retryAfterSeconds)),
            _ => Responses.Json(200, h.Server.Order("valid")));

        await h.Client.WaitForOrderAsync(h.Signer, h.Server.OrderUrl, TimeSpan.FromHours(1), null, ClientHarness.None, "processing");

        Assert.Equal(new[] { TimeSpan.FromSeconds(expectedSeconds) }, h.Clock.Delays);
    }

    [Fact]
    public async Task OrderIsPolledWhileItsStatusIsOneToWaitFor()
    {
        var h = new ClientHarness();
        h.Server.Enqueue(h.Server.OrderUrl,
            _ => Responses.Json(200, h.Server.Order("processing")),
            _ => Responses.Json(200, h.Server.Order("processing")),
            _ => Responses.Json(200, h.Server.Order("valid")));
        var seen = new List<string>();

        var order = await h.Client.WaitForOrderAsync(h.Signer, h.Server.OrderUrl, TimeSpan.FromMinutes(1), seen.Add, ClientHarness.None, "processing");

        Assert.Equal("valid", order.Status);
        Assert.Equal(h.Server.CertificateUrl, order.Certificate);
        Assert.Equal(new[] { "processing", "processing", "valid" }, seen);
    }

    [Fact]
    public async Task OrderTimeoutHasItsOwnErrorId()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("processing"), retryAfter: TimeSpan.FromSeconds(5)));

        var ex = await Assert.ThrowsAsync<AcmeException>(() =>
            h.Client.WaitForOrderAsync(h.Signer, h.Server.OrderUrl, TimeSpan.FromSeconds(12), null, ClientHarness.None, "processing"));

        Assert.Equal("AcmeOrderTimeout", ex.ErrorId);
        Assert.Equal(TimeSpan.FromSeconds(12), h.Clock.UtcNow - h.Clock.Start);
    }
}
