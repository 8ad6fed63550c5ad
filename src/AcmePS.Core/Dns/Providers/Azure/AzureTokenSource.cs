using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Util;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Dns.Providers.Azure
{
    /// <summary>How the Azure DNS plugin gets its Resource Manager token.</summary>
    public sealed class AzureCredentialOptions
    {
        /// <summary>A token given as it is (no refresh).</summary>
        public string AccessToken { get; set; }
        public string TenantId { get; set; }
        /// <summary>The service principal's application id; with a managed identity, a user-assigned identity's client id.</summary>
        public string ClientId { get; set; }
        public string ClientSecret { get; set; }
        public ClientAssertion Certificate { get; set; }
        public bool ManagedIdentity { get; set; }
        /// <summary>Microsoft Entra ID, e.g. https://login.microsoftonline.com/ (env ACMEPS_AZURE_LOGIN_URL).</summary>
        public Uri LoginUrl { get; set; }
        /// <summary>The VM/instance metadata service (env ACMEPS_AZURE_IMDS_URL), http://169.254.169.254/ by default.</summary>
        public Uri ImdsUrl { get; set; }
    }

    /// <summary>
    /// Resource Manager tokens: a given token; a service principal with a secret or a certificate (client credentials
    /// at Entra ID's v2.0 token endpoint); or a managed identity (IDENTITY_ENDPOINT, MSI_ENDPOINT or the instance
    /// metadata service: <see cref="Http.ManagedIdentityEndpoint"/>). Tokens are cached per process until 5 minutes
    /// before they expire.
    /// </summary>
    public sealed class AzureTokenSource
    {
        public static readonly Uri DefaultLoginUrl = new Uri("https://login.microsoftonline.com/");
        public static readonly Uri DefaultImdsUrl = Http.ManagedIdentityEndpoint.DefaultImds;
        private static readonly ConcurrentDictionary<string, (string Token, DateTimeOffset ExpiresOn)> Cache =
            new ConcurrentDictionary<string, (string, DateTimeOffset)>();
        private const string Name = "Azure DNS";

        private readonly AzureCredentialOptions _options;
        private readonly IRestTransport _transport;
        private readonly Func<string, string> _environment;
        private readonly IClock _clock;

        public AzureTokenSource(AzureCredentialOptions options, IRestTransport transport = null, Func<string, string> environment = null, IClock clock = null)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _transport = transport ?? HttpRestTransport.Instance;
            _environment = environment ?? Environment.GetEnvironmentVariable;
            _clock = clock ?? SystemClock.Instance;
        }

        /// <summary>Forgets the cached tokens (tests).</summary>
        public static void ClearCache() => Cache.Clear();

        /// <summary>A token for <paramref name="resource"/> (the Resource Manager URL, e.g. https://management.azure.com/).</summary>
        public async Task<string> GetTokenAsync(Uri resource, CancellationToken ct)
        {
            if (!string.IsNullOrEmpty(_options.AccessToken)) return _options.AccessToken;
            var request = BuildRequest(resource, out string source);
            string key = source + "|" + request.Url.AbsoluteUri + "|" + Hash(request.Body) + "|" + _options.ClientId;
            if (Cache.TryGetValue(key, out var cached) && cached.ExpiresOn - TimeSpan.FromMinutes(5) > _clock.UtcNow) return cached.Token;
            if (_options.Certificate != null)  // a fresh assertion for each request: the cache key must not depend on it
                request.Body += "&client_assertion=" + Uri.EscapeDataString(_options.Certificate.Create(_options.ClientId, request.Url, _clock.UtcNow));
            var response = await _transport.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccess) throw ProviderErrors.ForResponse(Name, $"get a token ({source})", Unauthorized(response), ErrorText(response.Body));
            var (token, expiresOn) = ParseToken(response.Body, source);
            Cache[key] = (token, expiresOn);
            return token;
        }

        /// <summary>Entra ID says 400 invalid_client for a wrong secret: that is a credential problem too.</summary>
        private static RestResponse Unauthorized(RestResponse r) =>
            r.StatusCode == 400 && (r.Body ?? "").Contains("invalid_client") ? new RestResponse { StatusCode = 401, Body = r.Body } : r;

        private RestRequest BuildRequest(Uri resource, out string source)
        {
            string res = resource.AbsoluteUri;
            if (!string.IsNullOrEmpty(_options.ClientSecret) || _options.Certificate != null)
            {
                if (string.IsNullOrEmpty(_options.TenantId) || string.IsNullOrEmpty(_options.ClientId))
                    throw ProviderErrors.CredentialMissing(Name, "a service principal needs -TenantId and -ClientId.");
                Uri login = _options.LoginUrl ?? Env("ACMEPS_AZURE_LOGIN_URL") ?? DefaultLoginUrl;
                var request = new RestRequest("POST", new Uri(WithSlash(login), Uri.EscapeDataString(_options.TenantId) + "/oauth2/v2.0/token"))
                {
                    ContentType = "application/x-www-form-urlencoded",
                };
                var form = new List<string>
                {
                    "grant_type=client_credentials",
                    "client_id=" + Uri.EscapeDataString(_options.ClientId),
                    "scope=" + Uri.EscapeDataString(res + ".default"),
                };
                if (_options.Certificate != null)
                {
                    form.Add("client_assertion_type=" + Uri.EscapeDataString("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
                    source = "service principal certificate";
                }
                else
                {
                    form.Add("client_secret=" + Uri.EscapeDataString(_options.ClientSecret));
                    source = "service principal secret";
                }
                request.Body = string.Join("&", form);
                return request;
            }
            if (!_options.ManagedIdentity)
                throw ProviderErrors.CredentialMissing(Name, "give -AccessToken, a service principal (-TenantId, -ClientId and -ClientSecret or -CertificatePath) or -UseManagedIdentity.");
            Uri imds = _options.ImdsUrl ?? Env("ACMEPS_AZURE_IMDS_URL") ?? DefaultImdsUrl;
            var endpoint = Http.ManagedIdentityEndpoint.For(_environment, imds, res, _options.ClientId);
            source = "managed identity, " + endpoint.Source;
            var identityRequest = new RestRequest("GET", endpoint.Url);
            foreach (var header in endpoint.Headers) identityRequest.Headers[header.Key] = header.Value;
            return identityRequest;
        }

        private (string, DateTimeOffset) ParseToken(string body, string source)
        {
            JObject json;
            try { json = JObject.Parse(body); }
            catch (JsonException ex) { throw ProviderErrors.BadAnswer(Name, $"the token request ({source})", ex); }
            string token = (string)json["access_token"];
            if (string.IsNullOrEmpty(token)) throw ProviderErrors.BadAnswer(Name, $"the token request ({source})");
            return (token, Http.TokenExpiry.From(json, _clock.UtcNow));
        }

        private static string ErrorText(string body)
        {
            try
            {
                var json = JObject.Parse(body);
                string description = (string)json["error_description"] ?? (string)json["message"] ?? (string)json["error"]?["message"];
                string code = json["error"]?.Type == JTokenType.String ? (string)json["error"] : (string)json["error"]?["code"];
                return string.Join(": ", new[] { code, description?.Split('\r', '\n')[0] }.Where(s => !string.IsNullOrEmpty(s)));
            }
            catch (JsonException) { return null; }
        }

        private Uri Env(string name)
        {
            string value = _environment(name);
            return string.IsNullOrEmpty(value) ? null : new Uri(value);
        }

        private static Uri WithSlash(Uri u) => u.AbsoluteUri.EndsWith("/") ? u : new Uri(u.AbsoluteUri + "/");

        private static string Hash(string text) =>
            text == null ? "" : Convert.ToBase64String(Org.BouncyCastle.Security.DigestUtilities.CalculateDigest("SHA-256", System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
