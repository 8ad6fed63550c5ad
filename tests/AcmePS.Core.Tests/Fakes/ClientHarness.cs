using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Support;

namespace AcmePS.Core.Tests.Fakes;

/// <summary>An <see cref="AcmeClient"/> wired to a <see cref="FakeAcmeServer"/> and a <see cref="FakeClock"/>.</summary>
public sealed class ClientHarness
{
    public ClientHarness(RetryPolicy retry = null)
    {
        Client = new AcmeClient(Server, Server.DirectoryUrl, Clock, retry);
        Signer = new AcmeSigner(TestKeys.Ec256, Server.AccountUrl);
    }

    public FakeAcmeServer Server { get; } = new();
    public FakeClock Clock { get; } = new();
    public AcmeClient Client { get; }
    public AcmeSigner Signer { get; }

    public static CancellationToken None => CancellationToken.None;

    public Task<AcmeOrderResource> NewOrder() =>
        Client.NewOrderAsync(Signer, new[] { new AcmeIdentifier("dns", "www.example.com") }, null, null, None);

    /// <summary>newOrder answered with 201 and the order's Location.</summary>
    public Responder OrderCreated() => _ => Responses.Json(201, Server.Order("pending"), location: Server.OrderUrl);

    public AcmeOrderResource ReadyOrder() => new()
    {
        Status = "ready",
        Finalize = Server.FinalizeUrl,
        Location = Server.OrderUrl,
        Authorizations = { Server.AuthorizationUrl },
    };
}
