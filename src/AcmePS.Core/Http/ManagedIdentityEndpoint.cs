using System;
using System.Collections.Generic;

namespace AcmePS.Core.Http
{
    /// <summary>
    /// The token request of the managed identity the process runs as, for the blob vault and the Azure DNS plugin alike.
    /// The endpoint is the first that applies: IDENTITY_ENDPOINT + IDENTITY_HEADER (Azure Automation, App Service,
    /// Functions; api-version 2019-08-01, header X-IDENTITY-HEADER, client_id); MSI_ENDPOINT with MSI_SECRET when it is
    /// set (older App Service; Cloud Shell sets no secret; api-version 2017-09-01, header Secret, clientid); else the
    /// instance metadata service (VMs, scale sets; api-version 2018-02-01, client_id). Every request says Metadata: true,
    /// which the instance metadata service requires and the others ignore.
    /// </summary>
    internal sealed class ManagedIdentityEndpoint
    {
        public static readonly Uri DefaultImds = new Uri("http://169.254.169.254/");

        private ManagedIdentityEndpoint(string source, Uri url, IReadOnlyDictionary<string, string> headers)
        {
            Source = source;
            Url = url;
            Headers = headers;
        }

        /// <summary>Which endpoint, for messages: "IDENTITY_ENDPOINT", "MSI_ENDPOINT" or "instance metadata service".</summary>
        public string Source { get; }

        /// <summary>The GET request's address, query included.</summary>
        public Uri Url { get; }

        /// <summary>The request's headers. They may hold IDENTITY_HEADER or MSI_SECRET: never put them in a message.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; }

        /// <summary>The request for a token for <paramref name="resource"/> (e.g. https://storage.azure.com/).</summary>
        /// <param name="env">reads an environment variable (null or empty: not set)</param>
        /// <param name="imdsBase">the instance metadata service's base address; null for http://169.254.169.254/</param>
        /// <param name="clientId">a user-assigned identity's client id; null or empty for the system-assigned identity</param>
        public static ManagedIdentityEndpoint For(Func<string, string> env, Uri imdsBase, string resource, string clientId)
        {
            string query = "resource=" + Uri.EscapeDataString(resource);
            string id = string.IsNullOrEmpty(clientId) ? "" : "=" + Uri.EscapeDataString(clientId);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Metadata"] = "true" };

            string identityEndpoint = env("IDENTITY_ENDPOINT"), identityHeader = env("IDENTITY_HEADER");
            if (!string.IsNullOrEmpty(identityEndpoint) && !string.IsNullOrEmpty(identityHeader))
            {
                headers["X-IDENTITY-HEADER"] = identityHeader;
                return new ManagedIdentityEndpoint("IDENTITY_ENDPOINT",
                    Append("IDENTITY_ENDPOINT", identityEndpoint, "api-version=2019-08-01&" + query + (id.Length > 0 ? "&client_id" + id : "")), headers);
            }
            string msiEndpoint = env("MSI_ENDPOINT");
            if (!string.IsNullOrEmpty(msiEndpoint))
            {
                string secret = env("MSI_SECRET");
                if (!string.IsNullOrEmpty(secret)) headers["Secret"] = secret;
                return new ManagedIdentityEndpoint("MSI_ENDPOINT",
                    Append("MSI_ENDPOINT", msiEndpoint, "api-version=2017-09-01&" + query + (id.Length > 0 ? "&clientid" + id : "")), headers);
            }
            string imds = (imdsBase ?? DefaultImds).AbsoluteUri;
            if (!imds.EndsWith("/", StringComparison.Ordinal)) imds += "/";
            return new ManagedIdentityEndpoint("instance metadata service",
                Append("the instance metadata service's address", imds + "metadata/identity/oauth2/token", "api-version=2018-02-01&" + query + (id.Length > 0 ? "&client_id" + id : "")), headers);
        }

        /// <summary>Adds <paramref name="query"/> to an address that may already have a query of its own.</summary>
        private static Uri Append(string name, string endpoint, string query)
        {
            string separator = !endpoint.Contains("?") ? "?" : endpoint.EndsWith("?", StringComparison.Ordinal) || endpoint.EndsWith("&", StringComparison.Ordinal) ? "" : "&";
            if (Uri.TryCreate(endpoint + separator + query, UriKind.Absolute, out Uri url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
                return url;
            // The value is not shown: these variables are set by the platform, and a message is no place for them.
            throw new AcmeException("AcmeManagedIdentityEndpointInvalid", AcmeErrorKind.InvalidArgument,
                $"{name} is not an http or https URL, so no managed identity token can be asked for.") { Target = name };
        }
    }
}
