using System.Web;
using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault.Blob;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>How the blob store authorizes: Shared Key signatures, SAS, and managed identity tokens from each endpoint.</summary>
public sealed class BlobAuthTests
{
    // HMAC-SHA256 vectors computed apart from this code (Python's hmac over the string-to-sign written out below).
    private const string Key = "YWNtZXBzLXNoYXJlZC1rZXktdGVzdC12ZWN0b3ItMzI=";
    private const string Date = "Sat, 28 Nov 2026 18:00:00 GMT";

    [Fact]
    public void SharedKeySignsAPutBlobAsDocumented()
    {
        var headers = new Dictionary<string, string>
        {
            ["x-ms-version"] = "2025-11-05", ["X-MS-Date"] = Date, ["x-ms-blob-type"] = "BlockBlob", ["If-Match"] = "\"0x8DC1\"",
        };
        var uri = new Uri("https://myaccount.blob.core.windows.net/vault/prod/servers/s1/server.json");
        string sts = SharedKeySigner.StringToSign("myaccount", "PUT", uri, headers, 13);
        Assert.Equal("PUT\n\n\n13\n\n\n\n\n\"0x8DC1\"\n\n\n\nx-ms-blob-type:BlockBlob\nx-ms-date:" + Date + "\nx-ms-version:2025-11-05\n/myaccount/vault/prod/servers/s1/server.json", sts);
        var signer = new SharedKeySigner("myaccount", Key);
        Assert.Equal("mOngtMhiRrUwXjZDSq8euQYUpdGFtp4biKnt7hXFUtw=", signer.Sign(sts));
        Assert.Equal("SharedKey myaccount:mOngtMhiRrUwXjZDSq8euQYUpdGFtp4biKnt7hXFUtw=", signer.Authorization("PUT", uri, headers, 13));
    }

    [Fact]
    public void SharedKeySignsAPathStyleListWithSortedDecodedQueryParameters()
    {
        var headers = new Dictionary<string, string> { ["x-ms-version"] = "2025-11-05", ["x-ms-date"] = Date };
        var uri = new Uri("http://127.0.0.1:10000/devstoreaccount1/vault?restype=container&comp=list&prefix=a%2Fb%2F&delimiter=%2F");
        string sts = SharedKeySigner.StringToSign("devstoreaccount1", "GET", uri, headers, 0);
        Assert.Equal("GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:" + Date + "\nx-ms-version:2025-11-05\n/devstoreaccount1/devstoreaccount1/vault\ncomp:list\ndelimiter:/\nprefix:a/b/\nrestype:container", sts);
        Assert.Equal("uHdQ0pQyfSb0gvt6mTgwNeA4PuddjvduqOPP/S1nYKI=", new SharedKeySigner("devstoreaccount1", Key).Sign(sts));
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/vault", "https://acct.blob.core.windows.net", "acct", "vault", "", "https://acct.blob.core.windows.net/vault")]
    [InlineData("https://acct.blob.core.windows.net/vault/team/prod/", "https://acct.blob.core.windows.net", "acct", "vault", "team/prod", "https://acct.blob.core.windows.net/vault/team/prod")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/vault/p", "http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1", "vault", "p", "http://127.0.0.1:10000/devstoreaccount1/vault/p")]
    [InlineData("https://vault.example.com/certs", "https://vault.example.com", null, "certs", "", "https://vault.example.com/certs")]
    public void ParsesContainerUrls(string url, string root, string account, string container, string prefix, string display)
    {
        var a = BlobAddress.Parse(url);
        Assert.Equal(root, a.ServiceRoot);
        Assert.Equal(account, a.Account);
        Assert.Equal(container, a.Container);
        Assert.Equal(prefix, a.Prefix);
        Assert.Equal(display, a.Display);
        Assert.Null(a.Sas);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/")]
    [InlineData("https://acct.blob.core.windows.net/Vault")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData("https://acct.blob.core.windows.net/vault?sv=2022-11-02&sp=r")]
    public void RejectsUrlsThatNameNoContainerOrCarryNoSas(string url)
    {
        var ex = Assert.Throws<AcmeException>(() => BlobAddress.Parse(url));
        Assert.Equal("AcmeVaultLocationInvalid", ex.ErrorId);
        Assert.DoesNotContain("sp=r", ex.Message);
    }

    [Fact]
    public void KeepsTheSasOutOfTheDisplayedLocation()
    {
        var a = BlobAddress.Parse("https://acct.blob.core.windows.net/vault/p?sv=2022-11-02&sp=rwdl&sig=c2VjcmV0%3D");
        Assert.Equal("sv=2022-11-02&sp=rwdl&sig=c2VjcmV0%3D", a.Sas);
        Assert.Equal("https://acct.blob.core.windows.net/vault/p", a.Display);
    }

    [Fact]
    public void AConnectionStringForAnotherAccountOrWithoutAKeyIsRefusedWithoutRepeatingIt()
    {
        string cs = $"AccountName=other;AccountKey={Key}";
        var ex = Assert.Throws<AcmeException>(() => new BlobVaultStore("https://acct.blob.core.windows.net/vault", n => n == "ACMEPS_VAULT_CONNECTION_STRING" ? cs : null, null, null));
        Assert.Equal("AcmeVaultCredentialInvalid", ex.ErrorId);
        Assert.DoesNotContain(Key, ex.Message);

        ex = Assert.Throws<AcmeException>(() => new BlobVaultStore("https://acct.blob.core.windows.net/vault", n => n == "AZURE_STORAGE_CONNECTION_STRING" ? "AccountName=acct;AccountKey=not base64!" : null, null, null));
        Assert.Equal("AcmeVaultCredentialInvalid", ex.ErrorId);
        Assert.DoesNotContain("not base64!", ex.Message);
    }

    private static (int, string, IDictionary<string, string>) Token(string token, string expiresOn) =>
        (200, new JObject { ["access_token"] = token, ["expires_on"] = expiresOn, ["resource"] = "https://storage.azure.com/", ["token_type"] = "Bearer" }.ToString(), null!);

    private static string In(long seconds) => DateTimeOffset.UtcNow.AddSeconds(seconds).ToUnixTimeSeconds().ToString();

    [Fact]
    public async Task AzureAutomationIdentityEndpointIsAskedWithItsHeaderAndApiVersion()
    {
        using var endpoint = new StandInServer(_ => Token("tok-automation", In(3600)));
        var env = new Dictionary<string, string>
        {
            ["IDENTITY_ENDPOINT"] = endpoint.BaseUrl + "msi/token", ["IDENTITY_HEADER"] = "header-secret", ["ACMEPS_VAULT_CLIENT_ID"] = "client-1",
            ["MSI_ENDPOINT"] = endpoint.BaseUrl + "wrong", ["MSI_SECRET"] = "wrong",
        };
        var source = new ManagedIdentityTokenSource(n => env.GetValueOrDefault(n)!, null, BlobRestClient.Shared("identity"));

        Assert.Equal("tok-automation", await source.GetTokenAsync(CancellationToken.None));
        Assert.Equal("tok-automation", await source.GetTokenAsync(CancellationToken.None));   // reused, not asked again

        var r = Assert.Single(endpoint.Requests);
        Assert.Equal("GET", r.Method);
        Assert.Equal("/msi/token", r.Path);
        var q = HttpUtility.ParseQueryString(r.Query);
        Assert.Equal("2019-08-01", q["api-version"]);
        Assert.Equal("https://storage.azure.com/", q["resource"]);
        Assert.Equal("client-1", q["client_id"]);
        Assert.Equal("header-secret", r.Headers["X-IDENTITY-HEADER"]);
        Assert.Equal("true", r.Headers["Metadata"]);   // every managed identity request says it; only IMDS needs it
        Assert.False(r.Headers.ContainsKey("Secret"));
    }

    [Fact]
    public async Task OlderMsiEndpointIsAskedWithItsSecretAndReadsADateExpiry()
    {
        string expires = DateTimeOffset.UtcNow.AddHours(1).ToString("MM/dd/yyyy hh:mm:ss tt zzz", System.Globalization.CultureInfo.InvariantCulture);
        using var endpoint = new StandInServer(_ => Token("tok-msi", expires));
        var env = new Dictionary<string, string> { ["MSI_ENDPOINT"] = endpoint.BaseUrl + "MSI/token/", ["MSI_SECRET"] = "msi-secret", ["ACMEPS_VAULT_CLIENT_ID"] = "client-2" };
        var source = new ManagedIdentityTokenSource(n => env.GetValueOrDefault(n)!, null, BlobRestClient.Shared("identity"));

        Assert.Equal("tok-msi", await source.GetTokenAsync(CancellationToken.None));
        Assert.Equal("tok-msi", await source.GetTokenAsync(CancellationToken.None));

        var r = Assert.Single(endpoint.Requests);
        Assert.Equal("/MSI/token/", r.Path);
        var q = HttpUtility.ParseQueryString(r.Query);
        Assert.Equal("2017-09-01", q["api-version"]);
        Assert.Equal("https://storage.azure.com/", q["resource"]);
        Assert.Equal("client-2", q["clientid"]);
        Assert.Equal("msi-secret", r.Headers["Secret"]);
        Assert.False(r.Headers.ContainsKey("X-IDENTITY-HEADER"));
    }

    [Fact]
    public async Task MsiEndpointWithoutASecretIsAskedAsCloudShellSetsIt()
    {
        using var endpoint = new StandInServer(_ => Token("tok-cloudshell", In(3600)));
        using var imds = new StandInServer(_ => Token("tok-wrong", In(3600)));
        var env = new Dictionary<string, string> { ["MSI_ENDPOINT"] = endpoint.BaseUrl + "oauth2/token" };
        var source = new ManagedIdentityTokenSource(n => env.GetValueOrDefault(n)!, new Uri(imds.BaseUrl), BlobRestClient.Shared("identity"));

        Assert.Equal("tok-cloudshell", await source.GetTokenAsync(CancellationToken.None));
        var r = Assert.Single(endpoint.Requests);
        Assert.Equal("2017-09-01", HttpUtility.ParseQueryString(r.Query)["api-version"]);
        Assert.False(r.Headers.ContainsKey("Secret"));
        Assert.Empty(imds.Requests);
    }

    [Fact]
    public async Task WithoutEndpointVariablesTheInstanceMetadataServiceIsAsked()
    {
        using var imds = new StandInServer(_ => Token("tok-imds", In(3600)));
        var source = new ManagedIdentityTokenSource(_ => null!, new Uri(imds.BaseUrl), BlobRestClient.Shared("identity"));

        Assert.Equal("tok-imds", await source.GetTokenAsync(CancellationToken.None));

        var r = Assert.Single(imds.Requests);
        Assert.Equal("/metadata/identity/oauth2/token", r.Path);
        var q = HttpUtility.ParseQueryString(r.Query);
        Assert.Equal("2018-02-01", q["api-version"]);
        Assert.Equal("https://storage.azure.com/", q["resource"]);
        Assert.Null(q["client_id"]);
        Assert.Equal("true", r.Headers["Metadata"]);
    }

    [Fact]
    public async Task AnExpiredTokenIsFetchedAgain()
    {
        int n = 0;
        using var imds = new StandInServer(_ => Token("tok-" + Interlocked.Increment(ref n), In(-1)));
        var source = new ManagedIdentityTokenSource(_ => null!, new Uri(imds.BaseUrl), BlobRestClient.Shared("identity"));
        Assert.Equal("tok-1", await source.GetTokenAsync(CancellationToken.None));
        Assert.Equal("tok-2", await source.GetTokenAsync(CancellationToken.None));
        Assert.Equal(2, imds.Requests.Count);
    }

    [Fact]
    public void ATokenIsRenewedFiveMinutesBeforeItExpiresOrHalfwayWhenItLivesShorter()
    {
        var now = DateTimeOffset.UtcNow;
        var hour = ManagedIdentityTokenSource.RefreshTime(new JObject { ["expires_in"] = "3600", ["expires_on"] = "1" });
        Assert.InRange(hour, now.AddMinutes(54), now.AddMinutes(56));
        var shortLived = ManagedIdentityTokenSource.RefreshTime(new JObject { ["expires_on"] = In(200) });
        Assert.InRange(shortLived, now.AddSeconds(90), now.AddSeconds(110));
    }

    [Fact]
    public async Task ARefusalIsCredentialFailedWithTheErrorCodeAndNoSecret()
    {
        using var endpoint = new StandInServer(_ => (400, "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}", null!));
        var env = new Dictionary<string, string> { ["IDENTITY_ENDPOINT"] = endpoint.BaseUrl, ["IDENTITY_HEADER"] = "header-secret" };
        var source = new ManagedIdentityTokenSource(n => env.GetValueOrDefault(n)!, null, BlobRestClient.Shared("identity"));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => source.GetTokenAsync(CancellationToken.None));
        Assert.Equal("AcmeVaultCredentialFailed", ex.ErrorId);
        Assert.Contains("HTTP 400 invalid_request", ex.Message);
        Assert.DoesNotContain("header-secret", ex.ToString());
    }

    [Fact]
    public async Task AnEndpointThatDoesNotAnswerIsCredentialUnavailable()
    {
        int closed;
        using (var s = new StandInServer(_ => (200, "", null!))) closed = s.Port;
        var source = new ManagedIdentityTokenSource(_ => null!, new Uri($"http://127.0.0.1:{closed}/"), BlobRestClient.Shared("identity"));
        var ex = await Assert.ThrowsAsync<AcmeException>(() => source.GetTokenAsync(CancellationToken.None));
        Assert.Equal("AcmeVaultCredentialUnavailable", ex.ErrorId);
        Assert.Equal(AcmeErrorKind.ConnectionError, ex.Kind);
    }

    [Fact]
    public void TheStoreSendsTheManagedIdentityTokenAsBearer()
    {
        using var server = new StandInServer(r => r.Path.StartsWith("/metadata/")
            ? Token("tok-bearer", In(3600))
            : (404, "", new Dictionary<string, string> { ["x-ms-error-code"] = "BlobNotFound" }));
        var store = new BlobVaultStore(server.BaseUrl + "acct/vault/p", _ => null!, new Uri(server.BaseUrl), null);

        Assert.Null(store.Read("vault.json"));

        var blob = Assert.Single(server.Requests, r => !r.Path.StartsWith("/metadata/"));
        Assert.Equal("/acct/vault/p/vault.json", blob.Path);
        Assert.Equal("Bearer tok-bearer", blob.Headers["Authorization"]);
        Assert.Equal(BlobRestClient.ApiVersion, blob.Headers["x-ms-version"]);
        Assert.True(DateTimeOffset.TryParse(blob.Headers["x-ms-date"], out _));

        // The next command's store (same identity) reuses the token.
        Assert.Null(new BlobVaultStore(server.BaseUrl + "acct/vault/p", _ => null!, new Uri(server.BaseUrl), null).Read("vault.json"));
        Assert.Single(server.Requests, r => r.Path.StartsWith("/metadata/"));
        Assert.Equal(2, server.Requests.Count(r => r.Headers.GetValueOrDefault("Authorization") == "Bearer tok-bearer"));
    }

    [Fact]
    public void ASasFromTheUrlGoesOnEveryRequestAndNeverIntoAMessage()
    {
        using var server = new StandInServer(_ => (403, "", new Dictionary<string, string> { ["x-ms-error-code"] = "AuthorizationPermissionMismatch" }));
        var store = new BlobVaultStore(server.BaseUrl + "acct/vault?sv=2025-11-05&sp=r&sig=c2VjcmV0LXNpZw%3D%3D", _ => null!, null, null);

        var ex = Assert.Throws<AcmeException>(() => store.Write("vault.json", "{}"));
        Assert.Equal("AcmeVaultAccessDenied", ex.ErrorId);
        Assert.Contains("AuthorizationPermissionMismatch", ex.Message);
        Assert.DoesNotContain("c2VjcmV0", ex.ToString());
        Assert.DoesNotContain("sig=", store.Location);

        var r = Assert.Single(server.Requests);
        Assert.Equal("PUT", r.Method);
        var q = HttpUtility.ParseQueryString(r.Query);
        Assert.Equal("c2VjcmV0LXNpZw==", q["sig"]);
        Assert.Equal("2025-11-05", q["sv"]);
        Assert.False(r.Headers.ContainsKey("Authorization"));
    }
}
