using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Dns.Providers.Route53;
using AcmePS.Internal;

namespace AcmePS.Plugins
{
    /// <summary>
    /// The parameters and work of Publish/Unpublish-AcmeRoute53Challenge. Credentials: -AccessKeyId and
    /// -SecretAccessKey (-SessionToken), else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, else the EC2
    /// instance role (IMDSv2).
    /// </summary>
    public abstract class Route53Plugin : DnsPluginCmdlet
    {
        [Parameter]
        public string AccessKeyId { get; set; }

        [Parameter]
        [SecretTransformation]
        public SecureString SecretAccessKey { get; set; }

        [Parameter]
        [SecretTransformation]
        public SecureString SessionToken { get; set; }

        [Parameter]
        public string HostedZoneId { get; set; }

        [Parameter]
        public string Region { get; set; }

        [Parameter]
        public Uri Endpoint { get; set; }

        protected override string ProviderName => "Route53";

        protected override Task ApplyAsync(IReadOnlyDictionary<string, IReadOnlyCollection<string>> records, CancellationToken ct)
        {
            var given = AccessKeyId == null && SecretAccessKey == null ? null : new AwsCredentials(AccessKeyId, SecureText.Plain(SecretAccessKey), SecureText.Plain(SessionToken));
            var provider = new Route53DnsProvider(new AwsCredentialSource(given), HostedZoneId, Endpoint, Region);
            return provider.ChangeAsync(records, Publishing, ct);
        }
    }
}
