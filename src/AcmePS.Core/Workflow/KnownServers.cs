using System;
using System.Collections.Generic;
using System.Linq;

namespace AcmePS.Core.Workflow
{
    /// <summary>The CAs users can name instead of typing a directory URL.</summary>
    public static class KnownServers
    {
        public static readonly IReadOnlyDictionary<string, string> Directories = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["LetsEncrypt"] = "https://acme-v02.api.letsencrypt.org/directory",
            ["LetsEncryptStaging"] = "https://acme-staging-v02.api.letsencrypt.org/directory",
            ["ZeroSSL"] = "https://acme.zerossl.com/v2/DV90",
            ["GoogleTrust"] = "https://dv.acme-v02.api.pki.goog/directory",
            ["GoogleTrustStaging"] = "https://dv.acme-v02.test-api.pki.goog/directory",
            ["SSLcomRsa"] = "https://acme.ssl.com/sslcom-dv-rsa",
            ["SSLcomEcc"] = "https://acme.ssl.com/sslcom-dv-ecc",
            ["Actalis"] = "https://acme-api.actalis.com/acme/directory",
        };

        /// <summary>A known name or an https URL (http only for loopback test servers).</summary>
        public static Uri Resolve(string nameOrUrl, out string name)
        {
            string text = (nameOrUrl ?? string.Empty).Trim();
            if (Directories.TryGetValue(text, out string known))
            {
                name = Directories.Keys.First(k => string.Equals(k, text, StringComparison.OrdinalIgnoreCase));
                return new Uri(known);
            }
            if (Uri.TryCreate(text, UriKind.Absolute, out Uri url) && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            {
                name = Directories.FirstOrDefault(d => string.Equals(d.Value, url.AbsoluteUri, StringComparison.OrdinalIgnoreCase)).Key ?? url.Host;
                return url;
            }
            throw new AcmeException("AcmeServerInvalid", AcmeErrorKind.InvalidArgument,
                $"'{nameOrUrl}' is neither a known CA ({string.Join(", ", Directories.Keys)}) nor an https:// directory URL.") { Target = nameOrUrl };
        }
    }
}
