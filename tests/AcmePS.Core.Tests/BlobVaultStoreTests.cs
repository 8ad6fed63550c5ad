using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault.Blob;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>The blob vault store against Azurite: files, folders, conditional writes, leases.</summary>
[Collection("Azurite")]
public sealed class BlobVaultStoreTests
{
    private readonly AzuriteServer _azurite;

    public BlobVaultStoreTests(AzuriteServer azurite) => _azurite = azurite;

    private BlobVaultStore Store(string url, TimeSpan? lease = null) => new(url, _azurite.Environment, null, lease);

    [Fact]
    public void WriteThenReadRoundTripsUtf8TextBelowThePrefix()
    {
        string url = _azurite.NewContainerUrl("team/vault");
        var store = Store(url);
        const string text = "{\"name\": \"bücher.example ✓\"}\n";

        Assert.Null(store.Read("servers/s1/server.json"));
        Assert.False(store.Exists("servers/s1/server.json"));
        store.Write("servers/s1/server.json", text);   // creates the container too

        Assert.Equal(text, store.Read("servers/s1/server.json"));
        Assert.True(store.Exists("servers/s1/server.json"));
        Assert.Equal(text, Store(url).Read("servers/s1/server.json"));
        Assert.Null(store.LocalPath("servers/s1/server.json"));
        Assert.Equal(url, store.Location);
        // The blob sits below the prefix: a store at the container's root sees it there.
        string root = url.Substring(0, url.Length - "/team/vault".Length);
        Assert.Equal(text, Store(root).Read("team/vault/servers/s1/server.json"));

        store.Delete("servers/s1/server.json");
        Assert.Null(store.Read("servers/s1/server.json"));
        store.Delete("servers/s1/server.json");   // nothing there: nothing happens
    }

    [Fact]
    public void ListsFoldersDirectlyBelowAPathAndDeletesAFolderWithEverythingBelowIt()
    {
        var store = Store(_azurite.NewContainerUrl("v"));
        Assert.Empty(store.ListFolders("servers"));   // no container yet
        store.Write("servers/b/server.json", "b");
        store.Write("servers/A/server.json", "a");
        store.Write("servers/A/accounts/1/account.json", "1");
        store.Write("servers/A/accounts/1/orders/x/order.json", "x");
        store.Write("servers/A/accounts/1/orders/y/order.json", "y");
        store.Write("servers-not/c/server.json", "c");
        store.Write("vault.json", "{}");

        Assert.Equal(new[] { "A", "b" }, store.ListFolders("servers"));
        Assert.Equal(new[] { "servers", "servers-not" }, store.ListFolders(""));
        Assert.Equal(new[] { "x", "y" }, store.ListFolders("servers/A/accounts/1/orders"));
        Assert.Empty(store.ListFolders("servers/A/accounts/1/orders/x"));

        store.DeleteFolder("servers/A/accounts/1/orders");
        Assert.Empty(store.ListFolders("servers/A/accounts/1/orders"));
        Assert.Equal("1", store.Read("servers/A/accounts/1/account.json"));
        store.DeleteFolder("servers/A");
        Assert.Equal(new[] { "b" }, store.ListFolders("servers"));
        Assert.Equal("c", store.Read("servers-not/c/server.json"));
        store.DeleteFolder("servers/none");
    }

    [Fact]
    public void AWriteNeverReplacesWhatAnotherProcessWroteSinceTheRead()
    {
        string url = _azurite.NewContainerUrl();
        var mine = Store(url);
        var theirs = Store(url);
        mine.Write("order.json", "1");
        Assert.Equal("1", mine.Read("order.json"));
        Assert.Equal("1", theirs.Read("order.json"));
        theirs.Write("order.json", "2");

        var ex = Assert.Throws<AcmeException>(() => mine.Write("order.json", "3"));
        Assert.Equal("AcmeVaultWriteConflict", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.ResourceBusy, ex.Kind);
        Assert.Equal("2", theirs.Read("order.json"));

        // After reading again, the write goes through; and a store's own writes never conflict with themselves.
        Assert.Equal("2", mine.Read("order.json"));
        mine.Write("order.json", "3");
        mine.Write("order.json", "4");
        Assert.Equal("4", theirs.Read("order.json"));
    }

    [Fact]
    public void AFileSeenMissingIsNotReplacedWhenAnotherProcessCreatedItMeanwhile()
    {
        string url = _azurite.NewContainerUrl();
        var mine = Store(url);
        Assert.Null(mine.Read("servers/s/server.json"));
        Store(url).Write("servers/s/server.json", "theirs");

        var ex = Assert.Throws<AcmeException>(() => mine.Write("servers/s/server.json", "mine"));
        Assert.Equal("AcmeVaultWriteConflict", ex.ErrorId);
        Assert.Equal("theirs", Store(url).Read("servers/s/server.json"));
    }

    [Fact]
    public void ALockIsExclusiveAcrossStoresUntilDisposed()
    {
        string url = _azurite.NewContainerUrl("p");
        var one = Store(url);
        var two = Store(url);
        using (one.Lock("servers/s1/orders/a", TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            var ex = Assert.Throws<AcmeException>(() => two.Lock("servers/s1/orders/a", TimeSpan.FromMilliseconds(300), CancellationToken.None));
            Assert.Equal("AcmeVaultLocked", ex.ErrorId);
            Assert.Equal(AcmeErrorKind.ResourceBusy, ex.Kind);
            Assert.Equal("servers/s1/orders/a", ex.Target);
            using (two.Lock("servers/s1/orders/b", TimeSpan.FromSeconds(5), CancellationToken.None)) { }
            Assert.Equal(new[] { ".locks" }, one.ListFolders(""));
        }
        using (two.Lock("servers/s1/orders/a", TimeSpan.FromSeconds(5), CancellationToken.None)) { }
    }

    [Fact]
    public void WaitingForALockStopsWhenCancelled()
    {
        string url = _azurite.NewContainerUrl();
        using (Store(url).Lock("x", TimeSpan.FromSeconds(5), CancellationToken.None))
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
            Assert.ThrowsAny<OperationCanceledException>(() => Store(url).Lock("x", TimeSpan.FromMinutes(5), cts.Token));
    }

    [Fact]
    public void AHeldLockOutlivesItsLeaseDurationBecauseItIsRenewed()
    {
        string url = _azurite.NewContainerUrl();
        using (Store(url, TimeSpan.FromSeconds(15)).Lock("long", TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            Thread.Sleep(TimeSpan.FromSeconds(17));
            var ex = Assert.Throws<AcmeException>(() => Store(url).Lock("long", TimeSpan.FromMilliseconds(300), CancellationToken.None));
            Assert.Equal("AcmeVaultLocked", ex.ErrorId);
        }
    }

    [Fact]
    public async Task TwoWritersHoldingTheLockLoseNoUpdate()
    {
        string url = _azurite.NewContainerUrl();
        Store(url).Write("counter", "0");
        async Task Writer()
        {
            await Task.Yield();
            var store = Store(url);
            for (int i = 0; i < 10; i++)
            {
                using (store.Lock("counter", TimeSpan.FromSeconds(60), CancellationToken.None))
                    store.Write("counter", (int.Parse(store.Read("counter")!) + 1).ToString());
            }
        }
        await Task.WhenAll(Task.Run(Writer), Task.Run(Writer));
        Assert.Equal("20", Store(url).Read("counter"));
    }

    /// <summary>An account SAS (version 2019-12-12) for the blob service, signed with the emulator's key as documented.</summary>
    private static string AccountSas(string permissions)
    {
        string expiry = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        string toSign = $"{AzuriteServer.Account}\n{permissions}\nb\nsco\n\n{expiry}\n\n\n2019-12-12\n";
        string sig = new SharedKeySigner(AzuriteServer.Account, AzuriteServer.AccountKey).Sign(toSign);
        return $"sv=2019-12-12&ss=b&srt=sco&sp={permissions}&se={Uri.EscapeDataString(expiry)}&sig={Uri.EscapeDataString(sig)}";
    }

    [Fact]
    public void ASasInTheUrlAuthorizesEveryOperationAndAReadOnlySasCannotWrite()
    {
        string url = _azurite.NewContainerUrl("sas");
        var store = new BlobVaultStore(url + "?" + AccountSas("racwdl"), _ => null!, null, null);
        Assert.Equal(url, store.Location);
        store.Write("servers/s/server.json", "s");
        Assert.Equal("s", store.Read("servers/s/server.json"));
        Assert.Equal(new[] { "s" }, store.ListFolders("servers"));
        using (store.Lock("x", TimeSpan.FromSeconds(5), CancellationToken.None)) { }
        store.DeleteFolder("servers");
        Assert.Empty(store.ListFolders("servers"));

        string readOnly = AccountSas("rl");
        var reader = new BlobVaultStore(url + "?" + readOnly, _ => null!, null, null);
        Assert.Null(reader.Read("servers/s/server.json"));
        var ex = Assert.Throws<AcmeException>(() => reader.Write("vault.json", "{}"));
        Assert.Equal("AcmeVaultAccessDenied", ex.ErrorId);
        Assert.DoesNotContain(readOnly.Split("sig=")[1], ex.ToString());

        // The emulator checks the signature: a SAS signed with another key is refused.
        string forged = AccountSas("racwdl").Split("&sig=")[0] + "&sig=" + Uri.EscapeDataString(new SharedKeySigner("x", "AAAA").Sign("x"));
        ex = Assert.Throws<AcmeException>(() => new BlobVaultStore(url + "?" + forged, _ => null!, null, null).Read("servers/s/server.json"));
        Assert.Equal("AcmeVaultAccessDenied", ex.ErrorId);
    }

    [Fact]
    public void AWrongKeyIsAccessDeniedAndTheMessageHoldsNoKey()
    {
        const string wrongKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        string cs = $"AccountName=devstoreaccount1;AccountKey={wrongKey};BlobEndpoint={_azurite.BlobEndpoint}";
        var store = new BlobVaultStore(_azurite.NewContainerUrl(), n => n == "AZURE_STORAGE_CONNECTION_STRING" ? cs : null, null, null);

        var ex = Assert.Throws<AcmeException>(() => store.Write("vault.json", "{}"));
        Assert.Equal("AcmeVaultAccessDenied", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.PermissionDenied, ex.Kind);
        Assert.DoesNotContain(wrongKey, ex.ToString());
    }

    [Fact]
    public void VaultStoresOpensAContainerUrl()
    {
        var store = Vault.VaultStores.Open("https://acct.blob.core.windows.net/vault/prod?sv=2022-11-02&sp=rwdl&sig=c2VjcmV0");
        Assert.IsType<BlobVaultStore>(store);
        Assert.Equal("https://acct.blob.core.windows.net/vault/prod", store.Location);
    }
}
