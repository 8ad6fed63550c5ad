using AcmePS.Core.Tests.Support;
using AcmePS.Core.Util;
using AcmePS.Core.Vault;
using Xunit;

namespace AcmePS.Core.Tests;

public sealed class VaultStoreTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private FileVaultStore Store() => new(_temp.Path);

    [Fact]
    public void WriteThenReadRoundTripsUtf8Text()
    {
        var store = Store();
        const string text = "{\"name\": \"bücher.example ✓\"}\n";

        store.Write("servers/s1/server.json", text);

        Assert.Equal(text, store.Read("servers/s1/server.json"));
        Assert.True(store.Exists("servers/s1/server.json"));
        Assert.Equal(text, File.ReadAllText(_temp.Combine("servers", "s1", "server.json")));
        Assert.Equal(_temp.Combine("servers", "s1", "server.json"), store.LocalPath("servers/s1/server.json"));
    }

    [Fact]
    public void LockIsExclusiveUntilDisposedAndTimesOutWithAcmeVaultLocked()
    {
        var store = Store();
        using (store.Lock("servers/s1/orders/a", TimeSpan.FromSeconds(1), CancellationToken.None))
        {
            var ex = Assert.Throws<AcmeException>(() => new FileVaultStore(_temp.Path).Lock("servers/s1/orders/a", TimeSpan.FromMilliseconds(50), CancellationToken.None));
            Assert.Equal("AcmeVaultLocked", ex.ErrorId);
            // Another name is not held by this lock.
            using (store.Lock("servers/s1/orders/b", TimeSpan.FromMilliseconds(50), CancellationToken.None)) { }
        }
        using (store.Lock("servers/s1/orders/a", TimeSpan.FromMilliseconds(50), CancellationToken.None)) { }
    }

    [Fact]
    public void FileIsWrittenWithoutAByteOrderMark()
    {
        Store().Write("a.json", "{}");

        Assert.Equal(new byte[] { (byte)'{', (byte)'}' }, File.ReadAllBytes(_temp.Combine("a.json")));
    }

    [Fact]
    public void MissingFileReadsAsNullAndDeletingItIsHarmless()
    {
        var store = Store();

        Assert.Null(store.Read("nothing/here.json"));
        Assert.False(store.Exists("nothing/here.json"));
        store.Delete("nothing/here.json");
        Assert.Empty(store.ListFolders("nothing"));
    }

    [Fact]
    public void OverwriteReplacesTheWholeFile()
    {
        var store = Store();
        store.Write("f.txt", new string('x', 10_000));
        store.Write("f.txt", "short");

        Assert.Equal("short", store.Read("f.txt"));
    }

    [Fact]
    public void NoTemporaryFileIsLeftBehind()
    {
        var store = Store();
        for (int i = 0; i < 5; i++)
        {
            store.Write("servers/s/server.json", "v" + i);
            store.Write("servers/s/accounts/a/account.key", "k" + i, secret: true);
        }
        store.Write("vault.json", "{}");

        Assert.Equal(new[] { "servers/s/accounts/a/account.key", "servers/s/server.json", "vault.json" }, _temp.AllFiles());
    }

    [Fact]
    public void AtomicFileLeavesOnlyTheTargetFile()
    {
        string target = _temp.Combine("deep", "er", "file.bin");
        AtomicFile.Write(target, new byte[] { 1, 2, 3 }, secret: false);
        AtomicFile.Write(target, new byte[] { 4, 5 }, secret: true);

        Assert.Equal(new byte[] { 4, 5 }, File.ReadAllBytes(target));
        Assert.Equal(new[] { "deep/er/file.bin" }, _temp.AllFiles());
    }

    [Fact]
    public void SecretFileIsReadableOnlyByItsOwner()
    {
        if (OperatingSystem.IsWindows()) return; // the ACL of the profile applies there
        var store = Store();

        store.Write("servers/s/accounts/a/account.key", "-----BEGIN PRIVATE KEY-----", secret: true);
        store.Write("servers/s/accounts/a/account.key", "-----BEGIN PRIVATE KEY----- again", secret: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.Combine("servers", "s", "accounts", "a", "account.key")));
    }

    [Fact]
    public void NewVaultRootIsPrivateToItsOwner()
    {
        if (OperatingSystem.IsWindows()) return;
        string root = _temp.Combine("vault");

        new FileVaultStore(root).Write("vault.json", "{}");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(root));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("servers/../../escape.txt")]
    [InlineData("servers/..")]
    [InlineData("/etc/escape.txt")]
    [InlineData("servers//x.json")]
    [InlineData("")]
    public void PathThatLeavesTheVaultOrHasEmptyPartsIsRefused(string path)
    {
        string root = _temp.Combine("vault");
        var store = new FileVaultStore(root);

        Assert.Throws<ArgumentException>(() => store.Write(path, "x"));
        Assert.Throws<ArgumentException>(() => store.Read(path));
        Assert.Throws<ArgumentException>(() => store.Delete(path));
        Assert.Throws<ArgumentException>(() => store.DeleteFolder(path));
        Assert.Empty(_temp.AllFiles());
    }

    [Fact]
    public void ListFoldersIsSortedAndDeleteFolderRemovesEverythingBelow()
    {
        var store = Store();
        store.Write("servers/b/server.json", "{}");
        store.Write("servers/A/server.json", "{}");
        store.Write("servers/c/accounts/1/account.json", "{}");

        Assert.Equal(new[] { "A", "b", "c" }, store.ListFolders("servers"));
        store.DeleteFolder("servers/c");
        Assert.Equal(new[] { "A", "b" }, store.ListFolders("servers"));
        Assert.Equal(new[] { "servers" }, store.ListFolders(""));
        Assert.Equal(new[] { "servers/A/server.json", "servers/b/server.json" }, _temp.AllFiles());
    }
}
