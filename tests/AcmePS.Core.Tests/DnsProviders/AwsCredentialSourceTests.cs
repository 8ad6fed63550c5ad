using AcmePS.Core.Dns.Providers;
using AcmePS.Core.Dns.Providers.Route53;
using AcmePS.Core.Tests.Fakes;
using Xunit;

namespace AcmePS.Core.Tests.DnsProviders;

/// <summary>Route53 credentials: parameters, then the environment, then IMDSv2 (token, role, role credentials), cached.</summary>
[Collection("AwsCredentialCache")]
public class AwsCredentialSourceTests
{
    private static readonly Uri Imds = new("http://169.254.169.254/");

    public AwsCredentialSourceTests() => AwsCredentialSource.ClearCache();

    private static RecordingTransport Imdsv2(FakeClock clock) => new(r => (r.Method, r.Url.AbsolutePath) switch
    {
        ("PUT", "/latest/api/token") => RecordingTransport.Json(200, "imds-token"),
        ("GET", "/latest/meta-data/iam/security-credentials/") => RecordingTransport.Json(200, "my-role\n"),
        ("GET", "/latest/meta-data/iam/security-credentials/my-role") => RecordingTransport.Json(200,
            $"{{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAROLE\",\"SecretAccessKey\":\"role-secret\",\"Token\":\"role-token\",\"Expiration\":\"{clock.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}\"}}"),
        _ => RecordingTransport.Json(404, ""),
    });

    [Fact]
    public async Task InstanceMetadataV2TokenThenRoleCredentials()
    {
        var clock = new FakeClock();
        var transport = Imdsv2(clock);
        var credentials = await new AwsCredentialSource(null, Imds, transport, _ => null, clock).GetAsync(CancellationToken.None);
        Assert.Equal(("ASIAROLE", "role-secret", "role-token"), (credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken));
        Assert.Equal(3, transport.Requests.Count);
        Assert.Equal("PUT", transport.Requests[0].Method);
        Assert.Equal("21600", transport.Requests[0].Headers["X-aws-ec2-metadata-token-ttl-seconds"]);
        Assert.All(transport.Requests.Skip(1), r => Assert.Equal("imds-token", r.Headers["X-aws-ec2-metadata-token"]));
        Assert.Equal("http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role", transport.Requests[2].Url.AbsoluteUri);

        await new AwsCredentialSource(null, Imds, transport, _ => null, clock).GetAsync(CancellationToken.None);
        Assert.Equal(3, transport.Requests.Count); // cached
        await clock.Delay(TimeSpan.FromMinutes(56), CancellationToken.None);
        await new AwsCredentialSource(null, Imds, transport, _ => null, clock).GetAsync(CancellationToken.None);
        Assert.Equal(6, transport.Requests.Count); // within 5 minutes of expiry: fetched again
    }

    [Fact]
    public async Task EnvironmentBeforeMetadataAndParametersBeforeBoth()
    {
        var transport = Imdsv2(new FakeClock());
        Func<string, string> env = n => n switch { "AWS_ACCESS_KEY_ID" => "AKIDENV", "AWS_SECRET_ACCESS_KEY" => "env-secret", "AWS_SESSION_TOKEN" => "env-token", _ => null };
        var fromEnv = await new AwsCredentialSource(null, Imds, transport, env).GetAsync(CancellationToken.None);
        Assert.Equal(("AKIDENV", "env-token"), (fromEnv.AccessKeyId, fromEnv.SessionToken));
        var given = await new AwsCredentialSource(new AwsCredentials("AKIDGIVEN", "given-secret"), Imds, transport, env).GetAsync(CancellationToken.None);
        Assert.Equal("AKIDGIVEN", given.AccessKeyId);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task NoCredentialsAnywhereIsAClearError()
    {
        var transport = new RecordingTransport(r => throw new AcmeException("AcmePluginUnreachable", AcmeErrorKind.ConnectionError, "no route"));
        var ex = await Assert.ThrowsAsync<AcmeException>(() => new AwsCredentialSource(null, Imds, transport, _ => null).GetAsync(CancellationToken.None));
        Assert.Equal("AcmePluginCredentialMissing", ex.ErrorId);
        Assert.Contains("AWS_ACCESS_KEY_ID", ex.Message);
    }
}
