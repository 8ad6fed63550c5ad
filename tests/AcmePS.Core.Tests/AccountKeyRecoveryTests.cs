#nullable enable
using AcmePS.Core.Crypto;
using AcmePS.Core.Jws;
using AcmePS.Core.Tests.Fakes;
using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>An account.key.new left by an interrupted rollover is settled by asking the CA which key it has.</summary>
public sealed class AccountKeyRecoveryTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly AcmeVault _vault;
    private readonly ClientHarness _h = new();
    private readonly AccountRecord _account;
    private readonly AcmeKey _oldKey = TestKeys.Ec256;
    private readonly AcmeKey _newKey = TestKeys.Get(KeyType.EC384);

    public AccountKeyRecoveryTests()
    {
        _vault = new AcmeVault(new FileVaultStore(_temp.Path));
        _vault.SaveServer(new ServerRecord { Id = "ca", Name = "ca", DirectoryUrl = _h.Server.DirectoryUrl });
        _account = new AccountRecord { Id = "1", ServerId = "ca", Url = _h.Server.AccountUrl, KeyType = "ec256", Status = "valid" };
        _vault.SaveAccount(_account, _oldKey);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>The fake CA finds the account only for <paramref name="caKey"/> (null: for no key).</summary>
    private void CaHolds(AcmeKey? caKey, Uri? location = null) =>
        _h.Server.Always(_h.Server.NewAccountUrl, r =>
        {
            Assert.Equal(true, (bool?)r.Payload["onlyReturnExisting"]);
            bool match = caKey != null && JToken.DeepEquals(r.Protected["jwk"], Jwk.FromKey(caKey));
            return match
                ? Responses.Json(200, new JObject { ["status"] = "valid" }, location: location ?? _h.Server.AccountUrl)
                : Responses.Problem(400, "accountDoesNotExist", "no account for this key");
        });

    private Task<PendingKeyOutcome> Recover() => AccountKeyRecovery.RecoverAsync(_h.Client, _vault, _account, ClientHarness.None);

    private string AccountKeyPem => _vault.GetAccountKey(_vault.GetAccount("ca", "1")!).ToPem();

    [Fact]
    public async Task WhenTheCaHasTheNewKeyItBecomesTheAccountKey()
    {
        _vault.SavePendingAccountKey(_account, _newKey);
        CaHolds(_newKey);

        Assert.Equal(PendingKeyOutcome.Committed, await Recover());

        Assert.Equal(_newKey.ToPem(), AccountKeyPem);
        Assert.False(_vault.HasPendingAccountKey(_account));
        Assert.Equal("ec384", _vault.GetAccount("ca", "1")!.KeyType);
        var asked = _h.Server.To("POST", _h.Server.NewAccountUrl);
        Assert.Equal(2, asked.Count);
        Assert.True(JwsVerifier.Parse(asked[0].Body).Verify(_oldKey.Pair.Public), "the old key is asked about first");
        Assert.True(JwsVerifier.Parse(asked[1].Body).Verify(_newKey.Pair.Public));
    }

    [Fact]
    public async Task WhenTheCaKeptTheOldKeyTheNewOneIsDropped()
    {
        _vault.SavePendingAccountKey(_account, _newKey);
        CaHolds(_oldKey);

        Assert.Equal(PendingKeyOutcome.Discarded, await Recover());

        Assert.Equal(_oldKey.ToPem(), AccountKeyPem);
        Assert.False(_vault.HasPendingAccountKey(_account));
        Assert.Equal("ec256", _vault.GetAccount("ca", "1")!.KeyType);
        Assert.Single(_h.Server.To("POST", _h.Server.NewAccountUrl));
    }

    [Fact]
    public async Task WhenTheCaKnowsNeitherKeyBothAreKeptAndTheErrorSaysSo()
    {
        _vault.SavePendingAccountKey(_account, _newKey);
        CaHolds(null);

        var ex = await Assert.ThrowsAsync<AcmeException>(Recover);

        Assert.Equal("AcmeAccountKeyUnknown", ex.ErrorId);
        Assert.Equal(_oldKey.ToPem(), AccountKeyPem);
        Assert.Equal(_newKey.ToPem(), _vault.GetPendingAccountKey(_account)!.ToPem());
        Assert.DoesNotContain("PRIVATE", ex.Message);
    }

    [Fact]
    public async Task AKeyOfAnotherAccountDoesNotCount()
    {
        _vault.SavePendingAccountKey(_account, _newKey);
        CaHolds(_oldKey, location: new Uri(FakeAcmeServer.Base, "acme/acct/2"));

        await Assert.ThrowsAsync<AcmeException>(Recover);

        Assert.True(_vault.HasPendingAccountKey(_account));
    }

    [Fact]
    public async Task WithoutAPendingKeyNothingIsAsked()
    {
        Assert.Equal(PendingKeyOutcome.None, await Recover());

        Assert.Empty(_h.Server.To("POST", _h.Server.NewAccountUrl));
        Assert.Equal(_oldKey.ToPem(), AccountKeyPem);
    }

    [Fact]
    public async Task AnUnreachableCaChangesNothing()
    {
        _vault.SavePendingAccountKey(_account, _newKey);
        _h.Server.Always(_h.Server.NewAccountUrl, Responses.Dropped());

        var ex = await Assert.ThrowsAsync<AcmeException>(Recover);

        Assert.Equal(AcmeErrorKind.ConnectionError, ex.Kind);
        Assert.Equal(_oldKey.ToPem(), AccountKeyPem);
        Assert.True(_vault.HasPendingAccountKey(_account));
    }
}
