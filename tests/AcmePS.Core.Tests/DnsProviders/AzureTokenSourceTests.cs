using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using AcmePS.Core.Dns.Providers;
using AcmePS.Core.Dns.Providers.Azure;
using AcmePS.Core.Tests.Fakes;
using Xunit;

namespace AcmePS.Core.Tests.DnsProviders;

/// <summary>The token flows of the Azure DNS plugin: the exact requests each sends, and the per-process cache.</summary>
[Collection("AzureTokenCache")]
public class AzureTokenSourceTests
{
    private static readonly Uri Arm = new("https://management.azure.com/");
    private const string EncodedArm = "https%3A%2F%2Fmanagement.azure.com%2F";

    private static Func<string, string> Env(params (string Key, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Key == name).Value;

    private static RecordingTransport TokenAnswer(string body = null) =>
        new(_ => RecordingTransport.Json(200, body ?? "{\"access_token\":\"tok-1\",\"expires_in\":\"3600\",\"token_type\":\"Bearer\"}"));

    public AzureTokenSourceTests() => AzureTokenSource.ClearCache();

    [Fact]
    public async Task IdentityEndpointOfAzureAutomationAndAppService()
    {
        var clock = new FakeClock();
        var transport = TokenAnswer($"{{\"access_token\":\"tok-auto\",\"expires_on\":\"{clock.UtcNow.AddHours(1).ToUnixTimeSeconds()}\",\"resource\":\"{Arm}\",\"token_type\":\"Bearer\"}}");
        var env = Env(("IDENTITY_ENDPOINT", "http://127.0.0.1:40342/msi/token"), ("IDENTITY_HEADER", "hdr-secret"), ("MSI_ENDPOINT", "http://ignored/"));
        var source = new AzureTokenSource(new AzureCredentialOptions { ManagedIdentity = true }, transport, env, clock);

        Assert.Equal("tok-auto", await source.GetTokenAsync(Arm, CancellationToken.None));
        var r = Assert.Single(transport.Requests);
        Assert.Equal("GET", r.Method);
        Assert.Equal($"http://127.0.0.1:40342/msi/token?api-version=2019-08-01&resource={EncodedArm}", r.Url.AbsoluteUri);
        Assert.Equal("hdr-secret", r.Headers["X-IDENTITY-HEADER"]);
        Assert.Null(r.Body);

        // cached for the process until 5 minutes before it expires
        Assert.Equal("tok-auto", await source.GetTokenAsync(Arm, CancellationToken.None));
        Assert.Single(transport.Requests);
        await clock.Delay(TimeSpan.FromMinutes(56), CancellationToken.None);
        await new AzureTokenSource(new AzureCredentialOptions { ManagedIdentity = true }, transport, env, clock).GetTokenAsync(Arm, CancellationToken.None);
        Assert.Equal(2, transport.Requests.Count);
    }

    [Fact]
    public async Task MsiEndpointWithSecretAndADateExpiry()
    {
        var clock = new FakeClock();
        var transport = TokenAnswer("{\"access_token\":\"tok-msi\",\"expires_on\":\"01/01/2030 01:00:00 PM +00:00\",\"token_type\":\"Bearer\"}");
        var env = Env(("MSI_ENDPOINT", "http://localhost:8081/msi/token"), ("MSI_SECRET", "msi-secret"));
        var source = new AzureTokenSource(new AzureCredentialOptions { ManagedIdentity = true, ClientId = "user-assigned-1" }, transport, env, clock);

        Assert.Equal("tok-msi", await source.GetTokenAsync(Arm, CancellationToken.None));
        var r = Assert.Single(transport.Requests);
        Assert.Equal($"http://localhost:8081/msi/token?api-version=2017-09-01&resource={EncodedArm}&clientid=user-assigned-1", r.Url.AbsoluteUri);
        Assert.Equal("msi-secret", r.Headers["Secret"]);
        Assert.False(r.Headers.ContainsKey("X-IDENTITY-HEADER"));
        await source.GetTokenAsync(Arm, CancellationToken.None);
        Assert.Single(transport.Requests); // 13:00 expiry, 12:00 now: still cached
    }

    [Fact]
    public async Task InstanceMetadataServiceOfAVm()
    {
        var transport = TokenAnswer();
        var source = new AzureTokenSource(new AzureCredentialOptions { ManagedIdentity = true, ClientId = "c1" }, transport, Env(), new FakeClock());
        await source.GetTokenAsync(Arm, CancellationToken.None);
        var r = Assert.Single(transport.Requests);
        Assert.Equal($"http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource={EncodedArm}&client_id=c1", r.Url.AbsoluteUri);
        Assert.Equal("true", r.Headers["Metadata"]);
    }

    [Fact]
    public async Task ClientSecretAtTheV2TokenEndpoint()
    {
        var transport = TokenAnswer("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"tok-sp\"}");
        var options = new AzureCredentialOptions { TenantId = "contoso.onmicrosoft.com", ClientId = "app-1", ClientSecret = "s&cret=1" };
        Assert.Equal("tok-sp", await new AzureTokenSource(options, transport, Env(), new FakeClock()).GetTokenAsync(Arm, CancellationToken.None));
        var r = Assert.Single(transport.Requests);
        Assert.Equal("POST", r.Method);
        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", r.Url.AbsoluteUri);
        Assert.Equal("application/x-www-form-urlencoded", r.ContentType);
        Assert.Equal($"grant_type=client_credentials&client_id=app-1&scope={EncodedArm}.default&client_secret=s%26cret%3D1", r.Body);
    }

    [Fact]
    public async Task ClientCertificateSendsASignedAssertion()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=acmeps-sp", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string pem = cert.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem() + "\n";
        var assertion = ClientAssertion.Load(Encoding.ASCII.GetBytes(pem), null);
        Assert.Equal(cert.Thumbprint, assertion.Thumbprint);

        var clock = new FakeClock();
        var transport = TokenAnswer();
        var options = new AzureCredentialOptions { TenantId = "t1", ClientId = "app-1", Certificate = assertion, LoginUrl = new Uri("https://login.microsoftonline.us") };
        await new AzureTokenSource(options, transport, Env(), clock).GetTokenAsync(new Uri("https://management.usgovcloudapi.net/"), CancellationToken.None);
        var r = Assert.Single(transport.Requests);
        Assert.Equal("https://login.microsoftonline.us/t1/oauth2/v2.0/token", r.Url.AbsoluteUri);
        var form = r.Body.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal(new[] { "grant_type", "client_id", "scope", "client_assertion_type", "client_assertion" }, form.Keys.ToArray());
        Assert.Equal("https://management.usgovcloudapi.net/.default", form["scope"]);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);

        var parts = form["client_assertion"].Split('.');
        var header = JsonDocument.Parse(B64(parts[0])).RootElement;
        var claims = JsonDocument.Parse(B64(parts[1])).RootElement;
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal(Convert.ToBase64String(cert.GetCertHash()).TrimEnd('=').Replace('+', '-').Replace('/', '_'), header.GetProperty("x5t").GetString());
        Assert.Equal("https://login.microsoftonline.us/t1/oauth2/v2.0/token", claims.GetProperty("aud").GetString());
        Assert.Equal("app-1", claims.GetProperty("iss").GetString());
        Assert.Equal("app-1", claims.GetProperty("sub").GetString());
        Assert.False(string.IsNullOrEmpty(claims.GetProperty("jti").GetString()));
        Assert.Equal(clock.UtcNow.ToUnixTimeSeconds(), claims.GetProperty("nbf").GetInt64());
        Assert.Equal(600, claims.GetProperty("exp").GetInt64() - claims.GetProperty("nbf").GetInt64());
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Bytes(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task AWrongSecretIsAnAuthenticationErrorWithoutTheSecret()
    {
        var transport = new RecordingTransport(_ => RecordingTransport.Json(401,
            "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\\r\\nTrace ID: x\"}"));
        var options = new AzureCredentialOptions { TenantId = "t1", ClientId = "app-1", ClientSecret = "Very-Secret-9" };
        var ex = await Assert.ThrowsAsync<AcmeException>(() => new AzureTokenSource(options, transport, Env(), new FakeClock()).GetTokenAsync(Arm, CancellationToken.None));
        Assert.Equal("AcmePluginAuthenticationFailed", ex.ErrorId);
        Assert.Contains("AADSTS7000215", ex.Message);
        Assert.DoesNotContain("Very-Secret-9", ex.Message);
    }

    [Fact]
    public async Task AGivenTokenIsUsedAsItIs()
    {
        var transport = TokenAnswer();
        Assert.Equal("given", await new AzureTokenSource(new AzureCredentialOptions { AccessToken = "given" }, transport, Env()).GetTokenAsync(Arm, CancellationToken.None));
        Assert.Empty(transport.Requests);
    }

    private static byte[] Bytes(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }

    private static string B64(string s) => Encoding.UTF8.GetString(Bytes(s));
}
