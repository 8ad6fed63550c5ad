using System.Globalization;
using AcmePS.Core.Http;
using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Fakes;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>Transient faults: 5xx answers, lost connections, untrusted servers.</summary>
public class AcmeClientRetryTests
{
    /// <summary>Small, explicit numbers, so the expected waits below are computed here and not taken from the engine.</summary>
    private static RetryPolicy Policy() => new()
    {
        TransientAttempts = 4,
        BackoffStart = TimeSpan.FromMilliseconds(100),
        BackoffMax = TimeSpan.FromMilliseconds(300),
    };

    [Fact]
    public async Task ServiceUnavailableWithRetryAfterOnPostAsGetIsRetriedAfterExactlyThatWait()
    {
        var h = new ClientHarness();
        h.Server.Enqueue(h.Server.OrderUrl,
            _ => Responses.Problem(503, "serverInternal", "busy", retryAfter: TimeSpan.FromSeconds(2)),
            _ => Responses.Json(200, h.Server.Order("ready")));

        var order = await h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None);

        Assert.Equal("ready", order.Status);
        Assert.Equal(new[] { TimeSpan.FromSeconds(2) }, h.Clock.Delays);
        var posts = h.Server.To("POST", h.Server.OrderUrl);
        Assert.Equal(2, posts.Count);
        Assert.Equal(posts[0].Response.ReplayNonce, posts[1].Nonce); // the 503's nonce is reused
    }

    [Fact]
    public async Task ServerErrorWithoutRetryAfterBacksOffExponentiallyThenGivesUp()
    {
        var h = new ClientHarness(Policy());
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Problem(500, "serverInternal", "down"));

        var ex = await Assert.ThrowsAsync<AcmeProblemException>(() => h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None));

        Assert.Equal(500, ex.HttpStatus);
        Assert.Equal("AcmeServerInternal", ex.ErrorId);
        Assert.Equal(4, h.Server.Count("POST", h.Server.OrderUrl));
        Assert.Equal(new[] { 100, 200, 300 }.Select(ms => TimeSpan.FromMilliseconds(ms)), h.Clock.Delays);
    }

    [Fact]
    public async Task RetryAfterLongerThanTheMaximumEndsTheRequestAtOnce()
    {
        var h = new ClientHarness(new RetryPolicy { RetryAfterMax = TimeSpan.FromSeconds(60) });
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Problem(503, "serverInternal", "maintenance", retryAfter: TimeSpan.FromMinutes(10)));

        var ex = await Assert.ThrowsAsync<AcmeProblemException>(() => h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None));

        Assert.Equal(TimeSpan.FromMinutes(10), ex.RetryAfter);
        Assert.Equal(1, h.Server.Count("POST", h.Server.OrderUrl));
        Assert.Empty(h.Clock.Delays);
    }

    [Fact]
    public async Task ClientErrorIsNotRetried()
    {
        var h = new ClientHarness();
        h.Server.Always(h.Server.NewOrderUrl, _ => Responses.Problem(400, "rejectedIdentifier", "no"));

        var ex = await Assert.ThrowsAsync<AcmeProblemException>(() => h.NewOrder());

        Assert.Equal("AcmeRejectedIdentifier", ex.ErrorId);
        Assert.Equal(1, h.Server.Count("POST", h.Server.NewOrderUrl));
    }

    [Fact]
    public async Task LostConnectionOnNewOrderIsRetriedWithAFreshNonceAndSucceeds()
    {
        var h = new ClientHarness(Policy());
        h.Server.Enqueue(h.Server.NewOrderUrl, Responses.Dropped(), h.OrderCreated());

        var order = await h.NewOrder();

        Assert.Equal(h.Server.OrderUrl, order.Location);
        Assert.Equal("pending", order.Status);
        var posts = h.Server.To("POST", h.Server.NewOrderUrl);
        Assert.Equal(2, posts.Count);
        Assert.NotEqual(posts[0].Nonce, posts[1].Nonce); // a nonce is never sent twice
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(100) }, h.Clock.Delays);
    }

    [Fact]
    public async Task UntrustedServerIsNotRetriedAndBecomesAcmeServerNotTrusted()
    {
        var h = new ClientHarness(Policy());
        h.Server.Always(h.Server.DirectoryUrl, _ => throw new AcmeTransportException("x", null, isTrustFailure: true));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => h.NewOrder());

        Assert.Equal("AcmeServerNotTrusted", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.SecurityError, ex.Kind);
        Assert.Single(h.Server.Requests);
        Assert.Empty(h.Clock.Delays);
    }

    [Fact]
    public async Task UntrustedServerOnAPostIsNotRetriedEither()
    {
        var h = new ClientHarness(Policy());
        h.Server.Always(h.Server.NewOrderUrl, _ => throw new AcmeTransportException("x", null, isTrustFailure: true));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => h.NewOrder());

        Assert.Equal("AcmeServerNotTrusted", ex.ErrorId);
        Assert.Equal(1, h.Server.Count("POST", h.Server.NewOrderUrl));
    }

    [Fact]
    public async Task UnreachableServerIsTriedTransientAttemptsTimesThenBecomesAcmeServerUnreachable()
    {
        var h = new ClientHarness(Policy());
        h.Server.Always(h.Server.DirectoryUrl, _ => throw new AcmeTransportException("connection refused", new IOException("refused")));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => h.Client.GetDirectoryAsync(ClientHarness.None));

        Assert.Equal("AcmeServerUnreachable", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.ConnectionError, ex.Kind);
        Assert.IsType<AcmeTransportException>(ex.InnerException);
        Assert.Equal(4, h.Server.Count("GET", h.Server.DirectoryUrl));
        Assert.Equal(new[] { 100, 200, 300 }.Select(ms => TimeSpan.FromMilliseconds(ms)), h.Clock.Delays);
    }

    [Fact]
    public async Task LostConnectionsOnAPostBeyondTransientAttemptsBecomeAcmeServerUnreachable()
    {
        var h = new ClientHarness(Policy());
        h.Server.Always(h.Server.OrderUrl, Responses.Dropped());

        var ex = await Assert.ThrowsAsync<AcmeException>(() => h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None));

        Assert.Equal("AcmeServerUnreachable", ex.ErrorId);
        Assert.Equal(4, h.Server.Count("POST", h.Server.OrderUrl));
    }

    [Fact]
    public async Task LostNewNonceAnswerIsRetried()
    {
        var h = new ClientHarness(Policy());
        h.Server.Enqueue(h.Server.NewNonceUrl, _ => throw new AcmeTransportException("reset", null));
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("pending")));

        await h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, ClientHarness.None);

        Assert.Equal(2, h.Server.Count("HEAD", h.Server.NewNonceUrl));
    }

    [Fact]
    public async Task CancellationStopsARetryLoop()
    {
        var h = new ClientHarness(Policy());
        using var cts = new CancellationTokenSource();
        h.Server.Always(h.Server.OrderUrl, _ => { cts.Cancel(); return Responses.Problem(503, "serverInternal"); });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Client.GetOrderAsync(h.Signer, h.Server.OrderUrl, cts.Token));

        Assert.Equal(1, h.Server.Count("POST", h.Server.OrderUrl));
    }

    [Theory]
    [InlineData("fi-FI")] // writes times as 03.04.05
    [InlineData("ar-SA")] // counts years in the Hijri calendar
    [InlineData("en-US")]
    public async Task NotBeforeAndNotAfterAreRfc3339WhateverTheCulture(string culture)
    {
        // RFC 8555 §7.4: notBefore/notAfter are RFC 3339 date-times, whatever the user's culture is.
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo(culture);
            var h = new ClientHarness();
            h.Server.Always(h.Server.NewOrderUrl, h.OrderCreated());
            var notBefore = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

            await h.Client.NewOrderAsync(h.Signer, new[] { new AcmeIdentifier("dns", "a.example.com") },
                notBefore, notBefore.AddDays(7), ClientHarness.None);

            var payload = h.Server.To("POST", h.Server.NewOrderUrl).Single().Payload;
            Assert.Equal("2030-01-02T03:04:05Z", (string)payload["notBefore"]);
            Assert.Equal("2030-01-09T03:04:05Z", (string)payload["notAfter"]);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
