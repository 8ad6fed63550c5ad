using System.Web;
using AcmePS.Core.Http;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>The one managed identity token request the blob vault and the Azure DNS plugin share.</summary>
public class ManagedIdentityEndpointTests
{
    private const string Storage = "https://storage.azure.com/";
    private const string EncodedStorage = "https%3A%2F%2Fstorage.azure.com%2F";

    private static Func<string, string> Env(params (string Key, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Key == name).Value;

    [Fact]
    public void IdentityEndpointComesFirstWithItsHeaderAndClientId()
    {
        var env = Env(("IDENTITY_ENDPOINT", "http://127.0.0.1:40342/msi/token"), ("IDENTITY_HEADER", "hdr-secret"),
            ("MSI_ENDPOINT", "http://ignored/"), ("MSI_SECRET", "ignored-secret"));
        var e = ManagedIdentityEndpoint.For(env, null, Storage, "user-assigned-1");

        Assert.Equal("IDENTITY_ENDPOINT", e.Source);
        Assert.Equal($"http://127.0.0.1:40342/msi/token?api-version=2019-08-01&resource={EncodedStorage}&client_id=user-assigned-1", e.Url.AbsoluteUri);
        Assert.Equal("hdr-secret", e.Headers["X-IDENTITY-HEADER"]);
        Assert.Equal("true", e.Headers["Metadata"]);
        Assert.False(e.Headers.ContainsKey("Secret"));
    }

    [Fact]
    public void IdentityEndpointWithoutItsHeaderIsPassedOver()
    {
        var e = ManagedIdentityEndpoint.For(Env(("IDENTITY_ENDPOINT", "http://127.0.0.1:40342/msi/token")), null, Storage, null);
        Assert.Equal("instance metadata service", e.Source);
        Assert.False(e.Headers.ContainsKey("X-IDENTITY-HEADER"));
    }

    [Fact]
    public void MsiEndpointWithItsSecretSpellsClientIdWithoutUnderscore()
    {
        var env = Env(("MSI_ENDPOINT", "http://localhost:8081/msi/token"), ("MSI_SECRET", "msi-secret"));
        var e = ManagedIdentityEndpoint.For(env, null, Storage, "user-assigned-2");

        Assert.Equal("MSI_ENDPOINT", e.Source);
        Assert.Equal($"http://localhost:8081/msi/token?api-version=2017-09-01&resource={EncodedStorage}&clientid=user-assigned-2", e.Url.AbsoluteUri);
        Assert.Null(HttpUtility.ParseQueryString(e.Url.Query)["client_id"]);
        Assert.Equal("msi-secret", e.Headers["Secret"]);
        Assert.Equal("true", e.Headers["Metadata"]);
        Assert.False(e.Headers.ContainsKey("X-IDENTITY-HEADER"));
    }

    [Fact]
    public void MsiEndpointWithoutASecretAsCloudShellSetsIt()
    {
        var e = ManagedIdentityEndpoint.For(Env(("MSI_ENDPOINT", "http://localhost:50342/oauth2/token")), null, Storage, null);

        Assert.Equal("MSI_ENDPOINT", e.Source);
        Assert.Equal($"http://localhost:50342/oauth2/token?api-version=2017-09-01&resource={EncodedStorage}", e.Url.AbsoluteUri);
        Assert.False(e.Headers.ContainsKey("Secret"));
        Assert.Equal("true", e.Headers["Metadata"]);
    }

    [Fact]
    public void InstanceMetadataServiceWithoutEndpointVariables()
    {
        var e = ManagedIdentityEndpoint.For(Env(), null, Storage, "c1");

        Assert.Equal("instance metadata service", e.Source);
        Assert.Equal($"http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource={EncodedStorage}&client_id=c1", e.Url.AbsoluteUri);
        Assert.Equal("true", e.Headers["Metadata"]);
        Assert.Single(e.Headers);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000/azure/imds/")]
    [InlineData("http://127.0.0.1:9000/azure/imds")]
    public void AnotherInstanceMetadataAddressKeepsItsPath(string imds)
    {
        var e = ManagedIdentityEndpoint.For(Env(), new Uri(imds), Storage, null);
        Assert.Equal($"http://127.0.0.1:9000/azure/imds/metadata/identity/oauth2/token?api-version=2018-02-01&resource={EncodedStorage}", e.Url.AbsoluteUri);
    }

    [Fact]
    public void WithoutAClientIdTheSystemAssignedIdentityIsAsked()
    {
        foreach (string clientId in new[] { null, "" })
        {
            var identity = ManagedIdentityEndpoint.For(Env(("IDENTITY_ENDPOINT", "http://h/t"), ("IDENTITY_HEADER", "x")), null, Storage, clientId);
            var msi = ManagedIdentityEndpoint.For(Env(("MSI_ENDPOINT", "http://h/t")), null, Storage, clientId);
            var imds = ManagedIdentityEndpoint.For(Env(), null, Storage, clientId);
            foreach (var e in new[] { identity, msi, imds })
            {
                var q = HttpUtility.ParseQueryString(e.Url.Query);
                Assert.Null(q["client_id"]);
                Assert.Null(q["clientid"]);
            }
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:40342/msi/token?x=1", "http://127.0.0.1:40342/msi/token?x=1&api-version=2019-08-01")]
    [InlineData("http://127.0.0.1:40342/msi/token?", "http://127.0.0.1:40342/msi/token?api-version=2019-08-01")]
    [InlineData("http://127.0.0.1:40342/msi/token?x=1&", "http://127.0.0.1:40342/msi/token?x=1&api-version=2019-08-01")]
    public void AnEndpointThatHasAQueryAlreadyGetsOursAppended(string endpoint, string start)
    {
        var e = ManagedIdentityEndpoint.For(Env(("IDENTITY_ENDPOINT", endpoint), ("IDENTITY_HEADER", "h")), null, Storage, "c 1");
        Assert.Equal($"{start}&resource={EncodedStorage}&client_id=c%201", e.Url.AbsoluteUri);

        var msi = ManagedIdentityEndpoint.For(Env(("MSI_ENDPOINT", "http://localhost:8081/msi/token?code=abc")), null, Storage, null);
        Assert.Equal($"http://localhost:8081/msi/token?code=abc&api-version=2017-09-01&resource={EncodedStorage}", msi.Url.AbsoluteUri);
    }

    [Fact]
    public void TheSourceNamesNoSecret()
    {
        var env = Env(("IDENTITY_ENDPOINT", "http://h/t"), ("IDENTITY_HEADER", "hdr-secret"));
        Assert.DoesNotContain("hdr-secret", ManagedIdentityEndpoint.For(env, null, Storage, null).Source);
        var msi = Env(("MSI_ENDPOINT", "http://h/t"), ("MSI_SECRET", "msi-secret"));
        Assert.DoesNotContain("msi-secret", ManagedIdentityEndpoint.For(msi, null, Storage, null).Source);
    }

    [Theory]
    [InlineData("IDENTITY_ENDPOINT", "not a url")]
    [InlineData("IDENTITY_ENDPOINT", "file:///etc/passwd")]
    [InlineData("MSI_ENDPOINT", "/relative/token")]
    public void AnEndpointThatIsNoHttpUrlIsAClearErrorThatShowsNoValue(string variable, string value)
    {
        var env = Env((variable, value), ("IDENTITY_HEADER", "hdr-secret"));
        var ex = Assert.Throws<AcmeException>(() => ManagedIdentityEndpoint.For(env, null, Storage, null));
        Assert.Equal("AcmeManagedIdentityEndpointInvalid", ex.ErrorId);
        Assert.Contains(variable, ex.Message);
        Assert.DoesNotContain(value, ex.Message);
    }
}
