using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core;
using AcmePS.Core.Dns.Providers.Azure;
using AcmePS.Internal;

namespace AcmePS.Plugins
{
    /// <summary>
    /// The parameters and work of Publish/Unpublish-AcmeAzureDnsChallenge. The credential is, in this order: -AccessToken;
    /// a service principal (-TenantId, -ClientId and -ClientSecret or -CertificatePath); else the managed identity
    /// (-ClientId then names a user-assigned one).
    /// </summary>
    public abstract class AzureDnsPlugin : DnsPluginCmdlet
    {
        [Parameter(Mandatory = true)]
        public string SubscriptionId { get; set; }

        [Parameter]
        public string TenantId { get; set; }

        [Parameter]
        public string ClientId { get; set; }

        [Parameter]
        [SecretTransformation]
        public SecureString ClientSecret { get; set; }

        [Parameter]
        public string CertificatePath { get; set; }

        [Parameter]
        [SecretTransformation]
        public SecureString CertificatePassword { get; set; }

        [Parameter]
        [SecretTransformation]
        public SecureString AccessToken { get; set; }

        [Parameter]
        public Uri ResourceManagerUrl { get; set; }

        [Parameter]
        public Uri LoginUrl { get; set; }

        protected override string ProviderName => "Azure DNS";

        protected override async Task ApplyAsync(IReadOnlyDictionary<string, IReadOnlyCollection<string>> records, CancellationToken ct)
        {
            var options = new AzureCredentialOptions
            {
                AccessToken = SecureText.Plain(AccessToken),
                TenantId = TenantId,
                ClientId = ClientId,
                ClientSecret = SecureText.Plain(ClientSecret),
                LoginUrl = LoginUrl,
            };
            if (!string.IsNullOrEmpty(CertificatePath))
            {
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath);
                if (!File.Exists(path))
                    throw new AcmeException("AcmePluginCertificateNotFound", AcmeErrorKind.NotFound, $"The certificate file '{path}' does not exist.") { Target = CertificatePath };
                options.Certificate = ClientAssertion.Load(File.ReadAllBytes(path), SecureText.Plain(CertificatePassword));
            }
            options.ManagedIdentity = string.IsNullOrEmpty(options.AccessToken) && string.IsNullOrEmpty(options.ClientSecret) && options.Certificate == null;
            var provider = new AzureDnsProvider(SubscriptionId, new AzureTokenSource(options), ResourceManagerUrl);
            foreach (var record in records)
            {
                if (Publishing) await provider.AddAsync(record.Key, record.Value, ct).ConfigureAwait(false);
                else await provider.RemoveAsync(record.Key, record.Value, ct).ConfigureAwait(false);
            }
        }
    }
}
