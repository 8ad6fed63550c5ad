using AcmePS.Core.Challenges;
using Xunit;

namespace AcmePS.Core.Tests;

public class IdentifiersTests
{
    [Fact]
    public void NamesAreLowerCasedTrimmedAndDeduplicatedInOrder()
    {
        var names = Identifiers.NormalizeDnsNames(new[] { "WWW.Example.COM", "example.com.", " www.example.com ", "*.Example.com", "example.com" });

        Assert.Equal(new[] { "www.example.com", "example.com", "*.example.com" }, names);
    }

    [Theory]
    [InlineData("a.example.com;b.example.com")]
    [InlineData("a.example.com, b.example.com")]
    [InlineData(" a.example.com  b.example.com\t")]
    public void OneValueMayListSeveralNames(string value)
    {
        Assert.Equal(new[] { "a.example.com", "b.example.com" }, Identifiers.NormalizeDnsNames(new[] { value }));
    }

    [Theory]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.example", "xn--bcher-kva.example")]
    [InlineData("*.bücher.example", "*.xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("münchen.de.", "xn--mnchen-3ya.de")]
    public void InternationalNamesBecomePunycode(string input, string expected)
    {
        Assert.Equal(new[] { expected }, Identifiers.NormalizeDnsNames(new[] { input }));
    }

    [Fact]
    public void UnicodeAndPunycodeFormsOfOneNameAreOneName()
    {
        Assert.Equal(new[] { "xn--bcher-kva.example" }, Identifiers.NormalizeDnsNames(new[] { "bücher.example", "xn--bcher-kva.example" }));
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("a-b.example.com")]
    [InlineData("123.example.com")]
    [InlineData("*.example.com")]
    public void ValidNamesPass(string name)
    {
        Assert.Equal(new[] { name }, Identifiers.NormalizeDnsNames(new[] { name }));
    }

    [Fact]
    public void LabelOf63CharactersPassesAndOf64Fails()
    {
        string ok = new string('a', 63) + ".com";
        string tooLong = new string('a', 64) + ".com";

        Assert.Equal(new[] { ok }, Identifiers.NormalizeDnsNames(new[] { ok }));
        AssertInvalid(tooLong);
    }

    [Fact]
    public void NameLongerThan253CharactersFails()
    {
        string label = new string('a', 63);
        string name = string.Join(".", label, label, label, label) + ".com"; // 4·63 + 3 + 4 = 259
        Assert.True(name.Length > 253);

        AssertInvalid(name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".")]
    [InlineData("a..b.com")]
    [InlineData("-a.com")]
    [InlineData("a-.com")]
    [InlineData("a_b.com")]
    [InlineData("a!b.com")]
    [InlineData("*.*.a.com")]
    [InlineData("a.*.com")]
    [InlineData("*a.com")]
    [InlineData("*")]
    [InlineData("*.com.")]
    [InlineData("1.2.3.4")]
    [InlineData("2001:db8::1")]
    [InlineData("localhost")]
    [InlineData("com")]
    [InlineData(null)]
    public void InvalidNamesThrowAcmeDnsNameInvalid(string name)
    {
        AssertInvalid(name);
    }

    [Fact]
    public void OneInvalidNameFailsTheWholeList()
    {
        var ex = Assert.Throws<AcmeException>(() => Identifiers.NormalizeDnsNames(new[] { "good.example.com", "bad..example.com" }));

        Assert.Equal("AcmeDnsNameInvalid", ex.ErrorId);
        Assert.Equal("bad..example.com", ex.Target);
    }

    [Fact]
    public void NoNamesThrowsAcmeDnsNameMissing()
    {
        var empty = Assert.Throws<AcmeException>(() => Identifiers.NormalizeDnsNames(Array.Empty<string>()));
        var none = Assert.Throws<AcmeException>(() => Identifiers.NormalizeDnsNames(null));

        Assert.Equal("AcmeDnsNameMissing", empty.ErrorId);
        Assert.Equal(AcmeErrorKind.InvalidArgument, empty.Kind);
        Assert.Equal("AcmeDnsNameMissing", none.ErrorId);
    }

    [Theory]
    [InlineData("www.example.com", "www.example.com")]
    [InlineData("*.example.com", "!.example.com")]
    public void DefaultOrderNameIsTheFirstNameWithoutStar(string first, string expected)
    {
        string name = Identifiers.DefaultOrderName(new[] { first, "other.example.com" });

        Assert.Equal(expected, name);
        Assert.Equal(expected, Identifiers.ValidateOrderName(name));
    }

    [Theory]
    [InlineData("my-cert_1.example")]
    [InlineData("!.example.com")]
    [InlineData("a")]
    public void ValidOrderNamesPass(string name)
    {
        Assert.Equal(name, Identifiers.ValidateOrderName(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("*.example.com")]
    [InlineData("name with space")]
    [InlineData("c:")]
    public void InvalidOrderNamesThrowAcmeOrderNameInvalid(string name)
    {
        var ex = Assert.Throws<AcmeException>(() => Identifiers.ValidateOrderName(name));
        Assert.Equal("AcmeOrderNameInvalid", ex.ErrorId);
    }

    [Fact]
    public void OrderNameOf100CharactersPassesAndOf101Fails()
    {
        Assert.Equal(new string('n', 100), Identifiers.ValidateOrderName(new string('n', 100)));
        Assert.Throws<AcmeException>(() => Identifiers.ValidateOrderName(new string('n', 101)));
    }

    private static void AssertInvalid(string name)
    {
        var ex = Assert.Throws<AcmeException>(() => Identifiers.NormalizeDnsNames(new[] { name }));
        Assert.Equal("AcmeDnsNameInvalid", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(name, ex.Target);
    }
}
