using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault;
using AcmePS.Core.Vault.Protection;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>
/// Encryption at rest: the envelope, mode selection, Key protection, migration of a schema-1 vault, changes of
/// protection (and their interruption), export/import. One class: some tests change ACMEPS_VAULT_KEY, which xunit
/// would otherwise share between classes running in parallel; no other class opens a protected store.
/// </summary>
[Collection("VaultProtection")]
public sealed class VaultProtectionTests : IDisposable
{
    private const string PassA = "correct horse battery";
    private const string PassB = "another long passphrase";
    private const string KeyPath = "servers/s1/accounts/a1/account.key";
    private const string CertKeyPath = "servers/s1/accounts/a1/orders/o1/cert.key";
    private const string PluginPath = "servers/s1/accounts/a1/orders/o1/plugin.json";
    private const string OrderPath = "servers/s1/accounts/a1/orders/o1/order.json";
    private readonly TempFolder _temp = new();
    private readonly string _savedKey = Environment.GetEnvironmentVariable(VaultKeyring.PassphraseVariable);

    public VaultProtectionTests()
    {
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, null);
        VaultKeyring.ForgetSessionKeys();
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, _savedKey);
        Environment.SetEnvironmentVariable(VaultKeyring.KdfCostVariable, null);
        VaultKeyring.ForgetSessionKeys();
        _temp.Dispose();
    }

    private ProtectedVaultStore Store(string passphrase = null, IVaultStore inner = null) =>
        new(inner ?? new FileVaultStore(_temp.Path)) { Keyring = { Passphrase = passphrase } };

    private string Disk(string path) => File.ReadAllText(_temp.Combine(path.Split('/')));

    /// <summary>A schema-1 vault as an older AcmePS left it: plaintext keys and plugin secrets.</summary>
    private void WriteSchema1Vault()
    {
        var plain = new FileVaultStore(_temp.Path);
        plain.Write("vault.json", "{\"schemaVersion\": 1, \"defaultServer\": \"s1\"}");
        plain.Write("servers/s1/server.json", "{\"id\": \"s1\"}");
        plain.Write("servers/s1/accounts/a1/account.json", "{\"id\": \"a1\"}");
        plain.Write(KeyPath, "-----BEGIN PRIVATE KEY-----\nACCOUNT\n-----END PRIVATE KEY-----\n", true);
        plain.Write(OrderPath, "{\"name\": \"o1\", \"certificate\": {\"chains\": [{\"file\": \"cert.pem\"}, {\"file\": \"chain-1.pem\"}]}}");
        plain.Write(CertKeyPath, "-----BEGIN PRIVATE KEY-----\nCERT\n-----END PRIVATE KEY-----\n", true);
        plain.Write(PluginPath, "{\"parameters\": {\"Token\": \"tsig-secret-value\"}}", true);
        plain.Write("servers/s1/accounts/a1/orders/o1/cert.pem", "CERT PEM");
        plain.Write("servers/s1/accounts/a1/orders/o1/chain-1.pem", "CHAIN PEM");
    }

    private static void Cheap() => Environment.SetEnvironmentVariable(VaultKeyring.KdfCostVariable, "10");

    private IEnumerable<string> AllDiskText() => _temp.AllFiles().Select(f => File.ReadAllText(_temp.Combine(f.Split('/'))));

    [Fact]
    public void TheDefaultModeIsDpapiUserOnWindowsAndKeyElsewhere()
    {
        Assert.Equal(ProtectionModes.DpapiUser, ProtectionModes.Default(isWindows: true));
        Assert.Equal(ProtectionModes.Key, ProtectionModes.Default(isWindows: false));
        // a passphrase at hand (ACMEPS_VAULT_KEY in a runbook) means Key on Windows too: DPAPI keys do not follow a job to another machine
        Assert.Equal(ProtectionModes.Key, ProtectionModes.Default(isWindows: true, hasPassphrase: true));
        Assert.Equal(ProtectionModes.Key, ProtectionModes.Default(isWindows: false, hasPassphrase: true));
        Assert.Equal(ProtectionModes.DpapiMachine, ProtectionModes.Normalize("dpapimachine"));
        Assert.Equal("AcmeVaultProtectionInvalid", Assert.Throws<AcmeException>(() => ProtectionModes.Normalize("Rot13")).ErrorId);
    }

    [Fact]
    public void AnEnvelopeOpensOnlyWithItsKeyAtItsPathAndUnchanged()
    {
        byte[] key = VaultCrypto.RandomBytes(32);
        string sealedText = VaultEnvelope.Seal("k1", key, "a/account.key", "secret text");

        Assert.StartsWith("ACMEPS-VAULT-ENCRYPTED v1 k1 ", sealedText);
        Assert.DoesNotContain("secret", sealedText);
        Assert.Equal("k1", VaultEnvelope.KeyIdOf(sealedText));
        Assert.Equal("secret text", VaultEnvelope.Open(key, "a/account.key", sealedText));
        Assert.Null(VaultEnvelope.Open(VaultCrypto.RandomBytes(32), "a/account.key", sealedText));
        Assert.Null(VaultEnvelope.Open(key, "b/account.key", sealedText));
        char[] chars = sealedText.ToCharArray();
        chars[40] = chars[40] == 'A' ? 'B' : 'A';
        Assert.Null(VaultEnvelope.Open(key, "a/account.key", new string(chars)));
        Assert.False(VaultEnvelope.IsSealed("-----BEGIN PRIVATE KEY-----"));
    }

    [Fact]
    public void AFirstSecretWriteWithoutAPassphraseFailsWithAcmeVaultKeyMissingAndWritesNothing()
    {
        if (Util.AtomicFile.IsWindows) return; // Windows defaults to DpapiUser, which needs no passphrase
        var store = Store();

        var ex = Assert.Throws<AcmeException>(() => store.Write(KeyPath, "PRIVATE", true));
        Assert.Equal("AcmeVaultKeyMissing", ex.ErrorId);
        Assert.Contains("ACMEPS_VAULT_KEY", ex.Message);
        Assert.Equal("AcmeVaultKeyMissing", Assert.Throws<AcmeException>(() => store.EnsureWritable()).ErrorId);
        Assert.DoesNotContain(_temp.AllFiles(), f => !f.StartsWith(".locks/"));
        // non-secret files need no key
        store.Write("servers/s1/server.json", "{}");
        Assert.Equal("{}", store.Read("servers/s1/server.json"));
    }

    [Fact]
    public void KeyProtectionEncryptsSecretsOnFirstWriteAndReadsThemBackWithThePassphraseOnly()
    {
        if (Util.AtomicFile.IsWindows) return;
        Cheap();
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, PassA);
        Store().Write(KeyPath, "-----BEGIN PRIVATE KEY-----\nKEYBYTES\n", true);
        Store().Write(PluginPath, "{\"Token\": \"tsig-secret-value\"}"); // secret by its name alone

        Assert.True(VaultEnvelope.IsSealed(Disk(KeyPath)));
        Assert.True(VaultEnvelope.IsSealed(Disk(PluginPath)));
        Assert.DoesNotContain(AllDiskText(), t => t.Contains("PRIVATE KEY") || t.Contains("KEYBYTES") || t.Contains("tsig-secret-value") || t.Contains(PassA));
        Assert.Equal("-----BEGIN PRIVATE KEY-----\nKEYBYTES\n", Store().Read(KeyPath));
        var record = Store().Keyring.Record;
        Assert.Equal(ProtectionModes.Key, record.Mode);
        Assert.Equal(10, record.Kdf.Cost);

        VaultKeyring.ForgetSessionKeys();
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, null);
        var missing = Assert.Throws<AcmeException>(() => Store().Read(KeyPath));
        Assert.Equal("AcmeVaultKeyMissing", missing.ErrorId);
        var wrong = Assert.Throws<AcmeException>(() => Store("wrong passphrase!").Read(KeyPath));
        Assert.Equal("AcmeVaultKeyInvalid", wrong.ErrorId);
        Assert.DoesNotContain("wrong passphrase!", wrong.Message);
        Assert.Equal("-----BEGIN PRIVATE KEY-----\nKEYBYTES\n", Store(PassA).Read(KeyPath));
        // once unlocked, the session keeps the key
        Assert.Equal("-----BEGIN PRIVATE KEY-----\nKEYBYTES\n", Store().Read(KeyPath));
    }

    [Fact]
    public void InitializeOverASchema1VaultEncryptsEverySecretAndLeavesTheRestAsItWas()
    {
        WriteSchema1Vault();
        var before = new FileVaultStore(_temp.Path).Read("servers/s1/accounts/a1/orders/o1/cert.pem");

        var record = VaultProtection.Initialize(Store(), ProtectionModes.Key, PassA, 10, CancellationToken.None);

        foreach (string path in new[] { KeyPath, CertKeyPath, PluginPath })
            Assert.Equal(record.KeyId, VaultEnvelope.KeyIdOf(Disk(path)));
        Assert.Equal(before, Disk("servers/s1/accounts/a1/orders/o1/cert.pem"));
        Assert.Contains("\"defaultServer\": \"s1\"", Disk("vault.json"));
        Assert.Equal(2, new AcmeVault(Store()).Config.SchemaVersion);
        Assert.DoesNotContain(AllDiskText(), t => t.Contains("PRIVATE KEY") || t.Contains("tsig-secret-value"));
        VaultKeyring.ForgetSessionKeys();
        Assert.Contains("CERT", Store(PassA).Read(CertKeyPath));
        var status = VaultProtection.Status(new AcmeVault(Store(PassA)));
        Assert.Equal((3, 0, false), (status.SecretFiles, status.UnencryptedSecretFiles, status.ReencryptionPending));
        Assert.Equal("AcmeVaultAlreadyInitialized",
            Assert.Throws<AcmeException>(() => VaultProtection.Initialize(Store(PassA), ProtectionModes.Key, PassA, 10, CancellationToken.None)).ErrorId);
    }

    [Fact]
    public void ChangingThePassphraseReencryptsEverythingUnderANewKey()
    {
        WriteSchema1Vault();
        var first = VaultProtection.Initialize(Store(), ProtectionModes.Key, PassA, 10, CancellationToken.None);
        VaultKeyring.ForgetSessionKeys();
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, PassA);

        var second = VaultProtection.Change(Store(), null, PassB, null, CancellationToken.None);

        Assert.NotEqual(first.KeyId, second.KeyId);
        Assert.Equal(10, second.Kdf.Cost);
        Assert.Empty(second.RetiredKeys);
        foreach (string path in new[] { KeyPath, CertKeyPath, PluginPath })
            Assert.Equal(second.KeyId, VaultEnvelope.KeyIdOf(Disk(path)));
        VaultKeyring.ForgetSessionKeys();
        Assert.Equal("AcmeVaultKeyInvalid", Assert.Throws<AcmeException>(() => Store().Read(KeyPath)).ErrorId);
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, null);
        Assert.Contains("ACCOUNT", Store(PassB).Read(KeyPath));
    }

    [Fact]
    public void AnInterruptedChangeLosesNothingAndARerunFinishesIt()
    {
        WriteSchema1Vault();
        var first = VaultProtection.Initialize(Store(), ProtectionModes.Key, PassA, 10, CancellationToken.None);
        VaultKeyring.ForgetSessionKeys();
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, PassA);

        // The process dies after protection.json and one secret file were written.
        var failing = new FailingStore(new FileVaultStore(_temp.Path), secretWritesAllowed: 1);
        Assert.Throws<IOException>(() => VaultProtection.Change(Store(inner: failing), null, PassB, null, CancellationToken.None));

        VaultKeyring.ForgetSessionKeys();
        var halfway = Store(PassB);
        Assert.Single(halfway.Keyring.Record.RetiredKeys);
        var ids = new[] { KeyPath, CertKeyPath, PluginPath }.Select(p => VaultEnvelope.KeyIdOf(Disk(p))).ToList();
        Assert.Contains(first.KeyId, ids);
        Assert.Contains(halfway.Keyring.Record.KeyId, ids);
        // The new passphrase alone reads every file, old key or new.
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, null);
        Assert.Contains("ACCOUNT", halfway.Read(KeyPath));
        Assert.Contains("CERT", halfway.Read(CertKeyPath));
        Assert.Contains("tsig-secret-value", halfway.Read(PluginPath));
        Assert.True(VaultProtection.Status(new AcmeVault(halfway)).ReencryptionPending);

        // The same command again (ACMEPS_VAULT_KEY still the old passphrase) finishes the job.
        VaultKeyring.ForgetSessionKeys();
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, PassA);
        var done = VaultProtection.Change(Store(), null, PassB, null, CancellationToken.None);
        Assert.Empty(done.RetiredKeys);
        foreach (string path in new[] { KeyPath, CertKeyPath, PluginPath })
            Assert.Equal(done.KeyId, VaultEnvelope.KeyIdOf(Disk(path)));
        VaultKeyring.ForgetSessionKeys();
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, null);
        Assert.Contains("tsig-secret-value", Store(PassB).Read(PluginPath));
    }

    [Fact]
    public void ProtectionNoneWritesPlaintextAndKeyEncryptsItAgain()
    {
        WriteSchema1Vault();
        VaultProtection.Initialize(Store(), ProtectionModes.Key, PassA, 10, CancellationToken.None);

        var none = VaultProtection.Change(Store(PassA), ProtectionModes.None, null, null, CancellationToken.None);
        Assert.Null(none.KeyId);
        Assert.Contains("PRIVATE KEY", Disk(KeyPath));
        Assert.Empty(none.RetiredKeys);
        Assert.DoesNotContain("\"key\"", Disk("protection.json"));
        Store().Write(CertKeyPath, "NEW CERT KEY", true);
        Assert.Equal("NEW CERT KEY", Disk(CertKeyPath));

        var key = VaultProtection.Change(Store(), ProtectionModes.Key, PassB, 10, CancellationToken.None);
        Assert.Equal(key.KeyId, VaultEnvelope.KeyIdOf(Disk(CertKeyPath)));
        Assert.DoesNotContain(AllDiskText(), t => t.Contains("PRIVATE KEY"));
    }

    [Fact]
    public void DpapiWhereThereIsNoDpapiIsAcmeVaultProtectionUnsupportedAndWritesNothing()
    {
        if (Util.AtomicFile.IsWindows) return;
        foreach (string mode in new[] { ProtectionModes.DpapiUser, ProtectionModes.DpapiMachine })
        {
            var ex = Assert.Throws<AcmeException>(() => VaultProtection.Initialize(Store(), mode, null, null, CancellationToken.None));
            Assert.Equal("AcmeVaultProtectionUnsupported", ex.ErrorId);
            Assert.DoesNotContain(_temp.AllFiles(), f => !f.StartsWith(".locks/"));
        }
    }

    [Fact]
    public void AShortPassphraseOrABadKdfCostIsRefusedBeforeAnythingIsWritten()
    {
        Assert.Equal("AcmeVaultPassphraseInvalid",
            Assert.Throws<AcmeException>(() => VaultProtection.Initialize(Store(), ProtectionModes.Key, "short", 10, CancellationToken.None)).ErrorId);
        Assert.Equal("AcmeVaultKdfCostInvalid",
            Assert.Throws<AcmeException>(() => VaultProtection.Initialize(Store(), ProtectionModes.Key, PassA, 9, CancellationToken.None)).ErrorId);
        Assert.DoesNotContain(_temp.AllFiles(), f => !f.StartsWith(".locks/"));
    }

    [Fact]
    public void AnEncryptedFileCopiedOverAnotherIsRefused()
    {
        WriteSchema1Vault();
        VaultProtection.Initialize(Store(), ProtectionModes.Key, PassA, 10, CancellationToken.None);
        File.Copy(_temp.Combine(KeyPath.Split('/')), _temp.Combine(CertKeyPath.Split('/')), overwrite: true);

        var ex = Assert.Throws<AcmeException>(() => Store(PassA).Read(CertKeyPath));
        Assert.Equal("AcmeVaultFileInvalid", ex.ErrorId);
    }

    [Fact]
    public void AnArchiveMovesEveryFileToAnotherVaultWhoseProtectionEncryptsTheSecrets()
    {
        WriteSchema1Vault();
        VaultProtection.Initialize(Store(), ProtectionModes.Key, PassA, 10, CancellationToken.None);
        string archive = VaultArchive.Export(new AcmeVault(Store(PassA)), "archive passphrase", 10, out int count);
        Assert.Equal(9, count);
        Assert.DoesNotContain("PRIVATE KEY", archive);
        Assert.DoesNotContain("tsig-secret-value", archive);

        using var other = new TempFolder();
        var target = new ProtectedVaultStore(new FileVaultStore(other.Path)) { Keyring = { Passphrase = PassB } };
        VaultProtection.Initialize(target, ProtectionModes.Key, PassB, 10, CancellationToken.None);
        Assert.Equal("AcmeVaultKeyInvalid",
            Assert.Throws<AcmeException>(() => VaultArchive.Import(new AcmeVault(target), archive, "not the passphrase", false, "a.json")).ErrorId);
        Assert.Empty(target.ListFolders("servers"));

        var imported = VaultArchive.Import(new AcmeVault(target), archive, "archive passphrase", false, "a.json");

        Assert.Equal(9, imported.Count);
        Assert.Contains("ACCOUNT", target.Read(KeyPath));
        Assert.Equal("CHAIN PEM", target.Read("servers/s1/accounts/a1/orders/o1/chain-1.pem"));
        Assert.Equal("s1", new AcmeVault(target).Config.DefaultServer);
        Assert.True(VaultEnvelope.IsSealed(File.ReadAllText(other.Combine(CertKeyPath.Split('/')))));
        Assert.Equal("AcmeVaultNotEmpty",
            Assert.Throws<AcmeException>(() => VaultArchive.Import(new AcmeVault(target), archive, "archive passphrase", false, "a.json")).ErrorId);
        Assert.Equal("AcmeVaultArchiveInvalid",
            Assert.Throws<AcmeException>(() => VaultArchive.Import(new AcmeVault(target), "{}", "archive passphrase", true, "a.json")).ErrorId);
    }

    [Fact]
    public async Task SecretWritesDuringChangesOfKeyEndUnderTheLastKeyWhateverTheInterleaving()
    {
        WriteSchema1Vault();
        VaultProtection.Initialize(Store(), ProtectionModes.Key, PassA, 10, CancellationToken.None);
        Environment.SetEnvironmentVariable(VaultKeyring.PassphraseVariable, PassA);
        var writer = Store(); // another "process": its own store and keyring, one of them shared by parallel writers
        var paths = Enumerable.Range(0, 24).Select(i => $"servers/s1/accounts/a1/orders/p{i}/cert.key").ToList();

        var writes = Task.Run(() => Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, p => writer.Write(p, "KEY " + p, true)));
        var first = VaultProtection.Change(Store(), null, null, null, CancellationToken.None);
        var second = VaultProtection.Change(Store(), null, null, null, CancellationToken.None);
        await writes;

        // Each write waited for the vault lock and sealed under the key of that moment; a change re-encrypts what was
        // there before it: so every file is under the last key, none under a key that was dropped.
        var final = second;
        Assert.NotEqual(first.KeyId, second.KeyId);
        VaultKeyring.ForgetSessionKeys();
        var reader = Store();
        foreach (string path in paths)
        {
            Assert.Equal(final.KeyId, VaultEnvelope.KeyIdOf(Disk(path)));
            Assert.Equal("KEY " + path, reader.Read(path));
        }
        Parallel.ForEach(paths, p => Assert.Equal("KEY " + p, writer.Read(p)));
    }

    /// <summary>A store that fails (as a killed process would stop) after a number of secret writes.</summary>
    private sealed class FailingStore(IVaultStore inner, int secretWritesAllowed) : IVaultStore
    {
        private int _left = secretWritesAllowed;
        public string Location => inner.Location;
        public string Read(string path) => inner.Read(path);
        public void Write(string path, string text, bool secret = false)
        {
            if (secret && _left-- <= 0) throw new IOException("killed");
            inner.Write(path, text, secret);
        }
        public bool Exists(string path) => inner.Exists(path);
        public void Delete(string path) => inner.Delete(path);
        public IReadOnlyList<string> ListFolders(string path) => inner.ListFolders(path);
        public IReadOnlyList<string> ListFiles(string path) => inner.ListFiles(path);
        public void DeleteFolder(string path) => inner.DeleteFolder(path);
        public string LocalPath(string path) => inner.LocalPath(path);
        public IDisposable Lock(string name, TimeSpan timeout, CancellationToken cancellationToken) => inner.Lock(name, timeout, cancellationToken);
    }
}
