using AcmePS.Core.Crypto;
using AcmePS.Core.Protocol;
using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

public sealed class VaultTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
    private readonly TempFolder _temp = new();
    private readonly AcmeVault _vault;

    public VaultTests()
    {
        _vault = new AcmeVault(new FileVaultStore(_temp.Path));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ServerRecordRoundTrips()
    {
        var server = new ServerRecord
        {
            Id = "ca.test_directory", Name = "test", DirectoryUrl = new Uri("https://ca.test/directory"),
            DefaultAccount = "1", ExternalAccountRequired = true, Created = Created,
        };

        _vault.SaveServer(server);
        var back = _vault.GetServer("ca.test_directory");

        Assert.Equal("test", back.Name);
        Assert.Equal(server.DirectoryUrl, back.DirectoryUrl);
        Assert.Equal("1", back.DefaultAccount);
        Assert.True(back.ExternalAccountRequired);
        Assert.Equal(Created, back.Created);
        Assert.Null(back.TrustedRootPem);
        Assert.Equal(new[] { "ca.test_directory" }, _vault.Servers().Select(s => s.Id));
        Assert.Equal(new[] { "servers/ca.test_directory/server.json" }, _temp.AllFiles());
    }

    [Fact]
    public void AccountIsSavedWithItsKeyAndReadBack()
    {
        var key = TestKeys.Ec256;
        var account = new AccountRecord
        {
            Id = "12345", ServerId = "ca.test_directory", Url = new Uri("https://ca.test/acme/acct/12345"), Status = "valid",
            Contact = { "mailto:admin@example.com" }, KeyType = "ec256", Created = Created,
        };

        _vault.SaveAccount(account, key);
        var back = _vault.GetAccount("ca.test_directory", "12345");
        var backKey = _vault.GetAccountKey(back);

        Assert.Equal(account.Url, back.Url);
        Assert.Equal("valid", back.Status);
        Assert.Equal(new[] { "mailto:admin@example.com" }, back.Contact);
        Assert.Equal(Created, back.Created);
        Assert.Equal(key.Type, backKey.Type);
        Assert.Equal(key.Pair.Public, backKey.Pair.Public);
        Assert.Equal(new[] { "12345" }, _vault.Accounts("ca.test_directory").Select(a => a.Id));
        string keyFile = _temp.Combine("servers", "ca.test_directory", "accounts", "12345", "account.key");
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(keyFile));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
    }

    [Fact]
    public void AccountWithoutItsKeyFileThrowsAcmeAccountKeyMissing()
    {
        var account = new AccountRecord { Id = "7", ServerId = "s", Url = new Uri("https://ca.test/acct/7") };
        _vault.SaveAccount(account);

        var ex = Assert.Throws<AcmeException>(() => _vault.GetAccountKey(_vault.GetAccount("s", "7")));

        Assert.Equal("AcmeAccountKeyMissing", ex.ErrorId);
    }

    [Fact]
    public void OrderRecordRoundTripsAndItsFilesStayInItsFolder()
    {
        var order = new OrderRecord
        {
            Name = "!.example.com", ServerId = "s", AccountId = "a", Url = new Uri("https://ca.test/acme/order/9"), Status = "invalid",
            DnsNames = { "*.example.com", "example.com" }, Authorizations = { new Uri("https://ca.test/acme/authz/1") },
            Finalize = new Uri("https://ca.test/acme/order/9/finalize"), Expires = Created.AddDays(7), KeyType = "ec384",
            Error = new AcmeProblem { Type = AcmeProblem.Prefix + "caa", Detail = "CAA forbids", Status = 403 },
            Created = Created, Updated = Created.AddMinutes(1),
        };

        _vault.SaveOrder(order);
        _vault.WriteOrderFile(order, "cert.key", "secret", secret: true);
        var back = _vault.GetOrder("s", "a", "!.example.com");

        Assert.Equal(order.Url, back.Url);
        Assert.Equal("invalid", back.Status);
        Assert.Equal(order.DnsNames, back.DnsNames);
        Assert.Equal(order.Authorizations, back.Authorizations);
        Assert.Equal(order.Finalize, back.Finalize);
        Assert.Equal(order.Expires, back.Expires);
        Assert.Equal("caa", back.Error.ShortType);
        Assert.Equal(Created.AddMinutes(1), back.Updated);
        Assert.Null(back.Certificate);
        Assert.Equal("secret", _vault.ReadOrderFile(back, "cert.key"));
        Assert.Equal(new[] { "!.example.com" }, _vault.Orders("s", "a").Select(o => o.Name));
        Assert.Equal(new[] { "servers/s/accounts/a/orders/!.example.com/cert.key", "servers/s/accounts/a/orders/!.example.com/order.json" }, _temp.AllFiles());

        _vault.DeleteOrder(back);
        Assert.Empty(_vault.Orders("s", "a"));
    }

    [Fact]
    public void ConfigDefaultsToTheCurrentSchemaAndRoundTrips()
    {
        Assert.Equal(VaultConfig.CurrentSchema, _vault.Config.SchemaVersion);
        Assert.Null(_vault.Config.DefaultServer);

        _vault.SaveConfig(new VaultConfig { DefaultServer = "ca.test_directory" });

        Assert.Equal("ca.test_directory", _vault.Config.DefaultServer);
        Assert.Equal(VaultConfig.CurrentSchema, (int)JObject.Parse(File.ReadAllText(_temp.Combine("vault.json")))["schemaVersion"]);
    }

    [Fact]
    public void VaultOfANewerSchemaThrowsAcmeVaultSchemaTooNew()
    {
        File.WriteAllText(_temp.Combine("vault.json"), $"{{\"schemaVersion\": {VaultConfig.CurrentSchema + 1}}}");

        var ex = Assert.Throws<AcmeException>(() => _vault.Config);

        Assert.Equal("AcmeVaultSchemaTooNew", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.InvalidData, ex.Kind);
    }

    [Theory]
    [InlineData("vault.json", "{\"schemaVersion\": 1,")]
    [InlineData("vault.json", "{\"schemaVersion\": \"one\"}")]
    [InlineData("servers/s/server.json", "not json at all")]
    [InlineData("servers/s/server.json", "[1, 2]")]
    public void CorruptJsonFileThrowsAcmeVaultFileInvalid(string file, string content)
    {
        string full = _temp.Combine(file.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full));
        File.WriteAllText(full, content);

        var ex = Assert.Throws<AcmeException>(() => file == "vault.json" ? (object)_vault.Config : _vault.GetServer("s"));

        Assert.Equal("AcmeVaultFileInvalid", ex.ErrorId);
        Assert.Equal(file, ex.Target);
    }

    [Fact]
    public void RecordIdWithDotDotIsRefusedAndNothingIsWrittenOutside()
    {
        var vault = new AcmeVault(new FileVaultStore(_temp.Combine("vault")));

        Assert.Throws<ArgumentException>(() => vault.SaveServer(new ServerRecord { Id = "../../evil" }));
        Assert.Null(vault.GetOrder("s", "a", ".."));   // a name that cannot be a record is simply not there
        Assert.Empty(_temp.AllFiles());
    }

    [Theory]
    [InlineData("https://acme-v02.api.letsencrypt.org/directory", "acme-v02.api.letsencrypt.org_directory")]
    [InlineData("https://localhost:14000/dir", "localhost_14000_dir")]
    [InlineData("https://ca.test/", "ca.test")]
    public void ServerIdIsAFileNameSafeFormOfTheUrl(string url, string expected)
    {
        Assert.Equal(expected, AcmeVault.ServerIdFor(new Uri(url)));
    }

    [Theory]
    [InlineData("https://ca.test/acme/acct/12345", "12345")]
    [InlineData("https://ca.test/acme/acct/12345/", "12345")]
    [InlineData("https://ca.test/acme/acct/a:b", "a_b")]
    public void AccountIdIsTheLastSegmentOfTheUrl(string url, string expected)
    {
        Assert.Equal(expected, AcmeVault.AccountIdFor(new Uri(url)));
    }
}
