using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault.Blob;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>Server errors from the Blob service: retried three times, then reported with the status and error code.</summary>
public sealed class BlobRestClientTests
{
    private const string Cs = "AccountName=acct;AccountKey=YWNtZXBzLXNoYXJlZC1rZXktdGVzdC12ZWN0b3ItMzI=";

    private static (int, string, IDictionary<string, string>) Answer(int status, string code) =>
        (status, "", new Dictionary<string, string> { ["x-ms-error-code"] = code });

    [Fact]
    public void A503IsTriedAgainAndTheThirdAnswerCounts()
    {
        int n = 0;
        using var server = new StandInServer(_ => Interlocked.Increment(ref n) <= 2 ? Answer(503, "ServerBusy") : Answer(404, "BlobNotFound"));
        var store = new BlobVaultStore(server.BaseUrl + "acct/vault", _ => Cs, null, null);

        Assert.Null(store.Read("vault.json"));
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.StartsWith("SharedKey acct:", r.Headers["Authorization"]));
    }

    [Fact]
    public void AServiceThatKeepsFailingIsStorageFailedWithStatusAndCode()
    {
        using var server = new StandInServer(_ => Answer(500, "InternalError"));
        var store = new BlobVaultStore(server.BaseUrl + "acct/vault", _ => Cs, null, null);

        var ex = Assert.Throws<AcmeException>(() => store.Write("vault.json", "{}"));
        Assert.Equal("AcmeVaultStorageFailed", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.ConnectionError, ex.Kind);
        Assert.Contains("HTTP 500 InternalError", ex.Message);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public void AnUnreachableServiceIsStorageFailed()
    {
        int closed;
        using (var s = new StandInServer(_ => (200, "", null!))) closed = s.Port;
        var store = new BlobVaultStore($"http://127.0.0.1:{closed}/acct/vault", _ => Cs, null, null);

        var ex = Assert.Throws<AcmeException>(() => store.Exists("vault.json"));
        Assert.Equal("AcmeVaultStorageFailed", ex.ErrorId);
        Assert.Contains("could not be reached", ex.Message);
    }
}
