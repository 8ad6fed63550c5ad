using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Dns.Providers.Cloudflare;
using AcmePS.Internal;

namespace AcmePS.Plugins
{
    /// <summary>The parameters and work of Publish/Unpublish-AcmeCloudflareChallenge.</summary>
    public abstract class CloudflarePlugin : DnsPluginCmdlet
    {
        /// <summary>A Cloudflare API token with Zone:Read and DNS:Edit on the zone.</summary>
        [Parameter(Mandatory = true)]
        [SecretTransformation]
        public SecureString ApiToken { get; set; }

        /// <summary>The API's base URL (https://api.cloudflare.com/client/v4/ by default).</summary>
        [Parameter]
        public Uri ApiUrl { get; set; }

        protected override string ProviderName => "Cloudflare";

        protected override async Task ApplyAsync(IReadOnlyDictionary<string, IReadOnlyCollection<string>> records, CancellationToken ct)
        {
            var provider = new CloudflareDnsProvider(SecureText.Plain(ApiToken), ApiUrl ?? EnvUrl("ACMEPS_CLOUDFLARE_API_URL"));
            foreach (var record in records)
            {
                if (Publishing) await provider.AddAsync(record.Key, record.Value, ct).ConfigureAwait(false);
                else await provider.RemoveAsync(record.Key, record.Value, ct).ConfigureAwait(false);
            }
        }

        internal static Uri EnvUrl(string name)
        {
            string value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value) ? null : new Uri(value);
        }
    }
}
