using AcmePS.Core.Plugins.PoshAcme;
using AcmePS.Core.Tests.Support;
using Xunit;

namespace AcmePS.Core.Tests;

public sealed class PoshAcmePluginFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(params string[] parts)
    {
        string path = _temp.Combine(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "function Add-DnsTxt {}");
        return path;
    }

    [Fact]
    public void APathIsTakenAsItIs()
    {
        string file = Write("my plugins", "Mine.ps1");
        Assert.Equal(file, PoshAcmePluginFile.Resolve("./my plugins/Mine.ps1", file, new[] { _temp.Path }));
        var ex = Assert.Throws<AcmeException>(() => PoshAcmePluginFile.Resolve("./none.ps1", _temp.Combine("none.ps1"), new[] { _temp.Path }));
        Assert.Equal("AcmePoshAcmePluginNotFound", ex.ErrorId);
        Assert.Contains(_temp.Combine("none.ps1"), ex.Message);
    }

    [Fact]
    public void ANameIsLookedUpInTheFoldersInOrder()
    {
        Write("custom", "Cloudflare.ps1");
        Write("Posh-ACME", "4.29.0", "Plugins", "Cloudflare.ps1");
        string route53 = Write("Posh-ACME", "4.29.0", "Plugins", "Route53.ps1");
        var folders = new[] { _temp.Combine("custom"), _temp.Combine("Posh-ACME", "4.29.0", "Plugins") };

        Assert.Equal(_temp.Combine("custom", "Cloudflare.ps1"), PoshAcmePluginFile.Resolve("Cloudflare", _temp.Combine("cwd", "Cloudflare"), folders));
        Assert.Equal(route53, PoshAcmePluginFile.Resolve("Route53", _temp.Combine("cwd", "Route53"), folders));
        var ex = Assert.Throws<AcmeException>(() => PoshAcmePluginFile.Resolve("Nope", _temp.Combine("cwd", "Nope"), folders));
        Assert.Equal("AcmePoshAcmePluginNotFound", ex.ErrorId);
        Assert.Contains(_temp.Combine("custom"), ex.Message);
        Assert.Contains("Posh-ACME is not installed", Assert.Throws<AcmeException>(() => PoshAcmePluginFile.Resolve("Nope", "x", Array.Empty<string>())).Message);
    }

    [Theory]
    [InlineData("Cloudflare", true)]
    [InlineData("My_Dns-2", true)]
    [InlineData("Cloudflare.ps1", false)]
    [InlineData("./Cloudflare", false)]
    [InlineData("C:\\plugins\\X.ps1", false)]
    public void NamesAreLettersDigitsDashAndUnderscore(string text, bool isName) => Assert.Equal(isName, PoshAcmePluginFile.IsName(text));
}
