using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Fakes;
using AcmePS.Core.Util;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>finalize is not idempotent: after a lost answer the order is read again before anything is resent.</summary>
public class AcmeClientFinalizeTests
{
    private static readonly byte[] Csr = { 0x30, 0x03, 0x02, 0x01, 0x07 };

    private static RetryPolicy Policy() => new() { TransientAttempts = 3, BackoffStart = TimeSpan.FromMilliseconds(100) };

    private static Task<AcmeOrderResource> Finalize(ClientHarness h) =>
        h.Client.FinalizeAsync(h.Signer, h.ReadyOrder(), Csr, ClientHarness.None);

    [Fact]
    public async Task FinalizeSendsTheCsrAsBase64Url()
    {
        var h = new ClientHarness(Policy());
        h.Server.Enqueue(h.Server.FinalizeUrl, _ => Responses.Json(200, h.Server.Order("processing"), retryAfter: TimeSpan.FromSeconds(1)));

        var order = await Finalize(h);

        Assert.Equal("processing", order.Status);
        Assert.Equal(h.Server.OrderUrl, order.Location);
        Assert.Equal(TimeSpan.FromSeconds(1), order.RetryAfter);
        Assert.Equal(Base64UrlOf(Csr), (string)h.Server.To("POST", h.Server.FinalizeUrl).Single().Payload["csr"]);
    }

    [Fact]
    public async Task LostAnswerThenProcessingOrderReturnsTheReReadOrderWithoutResending()
    {
        var h = new ClientHarness(Policy());
        h.Server.Enqueue(h.Server.FinalizeUrl, Responses.Dropped());
        h.Server.Enqueue(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("processing")));

        var order = await Finalize(h);

        Assert.Equal("processing", order.Status);
        Assert.Equal(h.Server.OrderUrl, order.Location);
        Assert.Equal(1, h.Server.Count("POST", h.Server.FinalizeUrl));
        var reread = h.Server.To("POST", h.Server.OrderUrl).Single();
        Assert.Equal("", reread.PayloadText); // POST-as-GET
        Assert.True(reread.Index > h.Server.To("POST", h.Server.FinalizeUrl)[0].Index);
    }

    [Fact]
    public async Task LostAnswerThenStillReadyOrderSendsFinalizeAgain()
    {
        var h = new ClientHarness(Policy());
        h.Server.Enqueue(h.Server.FinalizeUrl, Responses.Dropped(), _ => Responses.Json(200, h.Server.Order("processing")));
        h.Server.Enqueue(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("ready")));

        var order = await Finalize(h);

        Assert.Equal("processing", order.Status);
        var finalizes = h.Server.To("POST", h.Server.FinalizeUrl);
        Assert.Equal(2, finalizes.Count);
        Assert.Equal(finalizes[0].PayloadText, finalizes[1].PayloadText);
        Assert.Equal(1, h.Server.Count("POST", h.Server.OrderUrl));
    }

    [Fact]
    public async Task ServerErrorThenValidOrderReturnsTheValidOrder()
    {
        var h = new ClientHarness(Policy());
        h.Server.Enqueue(h.Server.FinalizeUrl, _ => Responses.Problem(500, "serverInternal"));
        h.Server.Enqueue(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("valid")));

        var order = await Finalize(h);

        Assert.Equal("valid", order.Status);
        Assert.Equal(h.Server.CertificateUrl, order.Certificate);
        Assert.Equal(1, h.Server.Count("POST", h.Server.FinalizeUrl));
    }

    [Fact]
    public async Task RefusedCsrIsNotRetried()
    {
        var h = new ClientHarness(Policy());
        h.Server.Always(h.Server.FinalizeUrl, _ => Responses.Problem(400, "badCSR", "key too small"));

        var ex = await Assert.ThrowsAsync<AcmeProblemException>(() => Finalize(h));

        Assert.Equal("AcmeBadCSR", ex.ErrorId);
        Assert.Equal(1, h.Server.Count("POST", h.Server.FinalizeUrl));
        Assert.Equal(0, h.Server.Count("POST", h.Server.OrderUrl));
    }

    [Fact]
    public async Task LostAnswersWhileTheOrderStaysReadyEndAfterTransientAttempts()
    {
        var h = new ClientHarness(Policy());
        h.Server.Always(h.Server.FinalizeUrl, Responses.Dropped());
        h.Server.Always(h.Server.OrderUrl, _ => Responses.Json(200, h.Server.Order("ready")));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => Finalize(h));

        Assert.Equal("AcmeServerUnreachable", ex.ErrorId);
        Assert.Equal(3, h.Server.Count("POST", h.Server.FinalizeUrl));
        Assert.Equal(2, h.Server.Count("POST", h.Server.OrderUrl));
    }

    [Fact]
    public async Task UntrustedServerOnFinalizeIsNotRetried()
    {
        var h = new ClientHarness(Policy());
        h.Server.Always(h.Server.FinalizeUrl, _ => throw new Http.AcmeTransportException("x", null, isTrustFailure: true));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => Finalize(h));

        Assert.Equal("AcmeServerNotTrusted", ex.ErrorId);
        Assert.Equal(1, h.Server.Count("POST", h.Server.FinalizeUrl));
        Assert.Equal(0, h.Server.Count("POST", h.Server.OrderUrl));
    }

    private static string Base64UrlOf(byte[] data) => Support.PemText.B64Url(data);
}
