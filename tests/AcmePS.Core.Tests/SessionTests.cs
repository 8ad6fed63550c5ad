using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>Finding the server and account a command names (-Server: id, name or directory URL; -Account: id or URL).</summary>
public sealed class SessionTests : IDisposable
{
    private static readonly Uri Directory = new("https://acme-staging-v02.api.letsencrypt.org/directory");
    private static readonly Uri AccountUrl = new("https://acme-staging-v02.api.letsencrypt.org/acme/acct/4242");
    private readonly TempFolder _temp = new();
    private readonly AcmeVault _vault;
    private readonly string _serverId = AcmeVault.ServerIdFor(Directory);

    public SessionTests()
    {
        _vault = new AcmeVault(new FileVaultStore(_temp.Path));
        _vault.SaveServer(new ServerRecord { Id = _serverId, Name = "LetsEncryptStaging", DirectoryUrl = Directory });
        _vault.SaveAccount(new AccountRecord { Id = "4242", ServerId = _serverId, Url = AccountUrl }, TestKeys.Ec256);
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("acme-staging-v02.api.letsencrypt.org_directory")] // id
    [InlineData("letsencryptstaging")]                             // name, any case
    public void ServerIsFoundByIdOrName(string wanted)
    {
        Assert.Equal(_serverId, AcmeSession.FindServer(_vault, wanted).Id);
    }

    [Fact]
    public void ServerIsFoundByItsDirectoryUrl()
    {
        // The id lookup comes first and builds a vault path from the URL; it must not fail before the URL match is tried.
        var ex = Record.Exception(() => AcmeSession.FindServer(_vault, Directory.AbsoluteUri));

        Assert.Null(ex);
        Assert.Equal(_serverId, AcmeSession.FindServer(_vault, Directory.AbsoluteUri).Id);
    }

    [Fact]
    public void DefaultServerIsUsedWhenNoneIsNamed()
    {
        _vault.SaveConfig(new VaultConfig { DefaultServer = _serverId });

        Assert.Equal(_serverId, AcmeSession.FindServer(_vault, null).Id);
    }

    [Fact]
    public void NoServerNamedAndNoDefaultThrowsAcmeServerNotSet()
    {
        Assert.Equal("AcmeServerNotSet", Assert.Throws<AcmeException>(() => AcmeSession.FindServer(_vault, null)).ErrorId);
    }

    [Fact]
    public void UnknownServerThrowsAcmeServerNotFound()
    {
        var ex = Assert.Throws<AcmeException>(() => AcmeSession.FindServer(_vault, "nowhere"));

        Assert.Equal("AcmeServerNotFound", ex.ErrorId);
        Assert.Equal("nowhere", ex.Target);
    }

    [Fact]
    public void AccountIsFoundById()
    {
        var session = AcmeSession.Open(_vault, _serverId, "4242");

        Assert.Equal(AccountUrl, session.Account.Url);
        Assert.Equal(TestKeys.Ec256.Pair.Public, session.Signer.Key.Pair.Public);
        Assert.Equal(AccountUrl, session.Signer.AccountUrl);
    }

    [Fact]
    public void AccountIsFoundByItsUrl()
    {
        var ex = Record.Exception(() => AcmeSession.Open(_vault, _serverId, AccountUrl.AbsoluteUri));

        Assert.Null(ex);
        Assert.Equal("4242", AcmeSession.Open(_vault, _serverId, AccountUrl.AbsoluteUri).Account.Id);
    }

    [Fact]
    public void UnknownAccountThrowsAcmeAccountNotFound()
    {
        Assert.Equal("AcmeAccountNotFound", Assert.Throws<AcmeException>(() => AcmeSession.Open(_vault, _serverId, "9999")).ErrorId);
    }

    [Fact]
    public void SessionWithoutAnAccountRefusesToSign()
    {
        var session = AcmeSession.Open(_vault, _serverId);

        Assert.Null(session.Account);
        Assert.Equal("AcmeAccountNotFound", Assert.Throws<AcmeException>(() => session.RequireAccount()).ErrorId);
    }

    [Theory]
    [InlineData("www.example.com")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("../../servers")]
    public void OrderThatIsNotInTheVaultIsReportedAsSuchWhateverItsName(string name)
    {
        // A name typed by the user must give an AcmeException (not found, or not a valid name), not a raw ArgumentException.
        var session = AcmeSession.Open(_vault, _serverId, "4242");

        var ex = Record.Exception(() => OrderOperations.Find(session, name));

        var acme = Assert.IsType<AcmeException>(ex, exactMatch: false);
        Assert.Contains(acme.ErrorId, new[] { "AcmeOrderNotFound", "AcmeOrderNameInvalid" });
    }
}
