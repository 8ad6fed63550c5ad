using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>
    /// Access tokens for https://storage.azure.com/ from the managed identity the process runs as:
    /// IDENTITY_ENDPOINT + IDENTITY_HEADER (Azure Automation, App Service, Functions; api-version 2019-08-01),
    /// else MSI_ENDPOINT + MSI_SECRET (the older App Service form; api-version 2017-09-01),
    /// else the instance metadata service of a VM (api-version 2018-02-01, Metadata: true).
    /// ACMEPS_VAULT_CLIENT_ID picks a user-assigned identity. A token is reused until five minutes before it expires.
    /// </summary>
    internal sealed class ManagedIdentityTokenSource
    {
        public const string Resource = "https://storage.azure.com/";
        public static readonly Uri DefaultImds = new Uri("http://169.254.169.254/");

        private static readonly Newtonsoft.Json.JsonSerializerSettings NoDates = new Newtonsoft.Json.JsonSerializerSettings { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };

        private readonly Func<string, string> _env;
        private readonly Uri _imds;
        private readonly HttpClient _http;
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private string _token;
        private DateTimeOffset _refreshAt;

        public ManagedIdentityTokenSource(Func<string, string> env, Uri imdsBase, HttpClient http)
        {
            _env = env;
            _imds = imdsBase ?? DefaultImds;
            _http = http;
        }

        /// <summary>Which endpoint the token comes from, for messages.</summary>
        public string Source =>
            Has("IDENTITY_ENDPOINT") && Has("IDENTITY_HEADER") ? "IDENTITY_ENDPOINT"
            : Has("MSI_ENDPOINT") && Has("MSI_SECRET") ? "MSI_ENDPOINT"
            : "the instance metadata service";

        private bool Has(string name) => !string.IsNullOrEmpty(_env(name));

        public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_token != null && DateTimeOffset.UtcNow < _refreshAt) return _token;
                (_token, _refreshAt) = await FetchAsync(cancellationToken).ConfigureAwait(false);
                return _token;
            }
            finally { _gate.Release(); }
        }

        /// <summary>The request for a token, exactly as each endpoint documents it.</summary>
        internal HttpRequestMessage BuildRequest()
        {
            string clientId = _env("ACMEPS_VAULT_CLIENT_ID");
            string resource = Uri.EscapeDataString(Resource);
            HttpRequestMessage request;
            if (Has("IDENTITY_ENDPOINT") && Has("IDENTITY_HEADER"))
            {
                string id = string.IsNullOrEmpty(clientId) ? "" : "&client_id=" + Uri.EscapeDataString(clientId);
                request = new HttpRequestMessage(HttpMethod.Get, Append(_env("IDENTITY_ENDPOINT"), $"api-version=2019-08-01&resource={resource}{id}"));
                request.Headers.Add("X-IDENTITY-HEADER", _env("IDENTITY_HEADER"));
            }
            else if (Has("MSI_ENDPOINT") && Has("MSI_SECRET"))
            {
                string id = string.IsNullOrEmpty(clientId) ? "" : "&clientid=" + Uri.EscapeDataString(clientId);
                request = new HttpRequestMessage(HttpMethod.Get, Append(_env("MSI_ENDPOINT"), $"api-version=2017-09-01&resource={resource}{id}"));
                request.Headers.Add("Secret", _env("MSI_SECRET"));
            }
            else
            {
                string id = string.IsNullOrEmpty(clientId) ? "" : "&client_id=" + Uri.EscapeDataString(clientId);
                request = new HttpRequestMessage(HttpMethod.Get, new Uri(_imds, $"metadata/identity/oauth2/token?api-version=2018-02-01&resource={resource}{id}"));
                request.Headers.Add("Metadata", "true");
            }
            return request;
        }

        private static Uri Append(string endpoint, string query) => new Uri(endpoint + (endpoint.Contains("?") ? "&" : "?") + query);

        private async Task<(string, DateTimeOffset)> FetchAsync(CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            string body;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (var request = BuildRequest())
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(20));
                try
                {
                    response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                    body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when ((ex is HttpRequestException || ex is OperationCanceledException) && !cancellationToken.IsCancellationRequested)
                {
                    throw new AcmeException("AcmeVaultCredentialUnavailable", AcmeErrorKind.ConnectionError,
                        $"No managed identity token from {Source} (it did not answer: {ex.GetType().Name}). Outside Azure, give the vault a SAS in its URL or set ACMEPS_VAULT_CONNECTION_STRING.", ex);
                }
            }
            using (response)
            {
                JObject json = null;
                try { json = Newtonsoft.Json.JsonConvert.DeserializeObject<JObject>(body, NoDates); } catch (Newtonsoft.Json.JsonException) { }
                string token = json?.Value<string>("access_token");
                if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(token))
                {
                    // The error code only: the body is the endpoint's, and a message is no place for it.
                    string error = json?.Value<string>("error") ?? json?["error"]?.Value<string>("code");
                    throw new AcmeException("AcmeVaultCredentialFailed", AcmeErrorKind.PermissionDenied,
                        $"The managed identity endpoint ({Source}) gave no token for {Resource}: HTTP {(int)response.StatusCode}{(error != null ? " " + error : "")}.");
                }
                return (token, RefreshTime(json));
            }
        }

        /// <summary>When the token expires (<see cref="Http.TokenExpiry"/>), five minutes early.</summary>
        internal static DateTimeOffset RefreshTime(JObject json)
        {
            var now = DateTimeOffset.UtcNow;
            DateTimeOffset expires = Http.TokenExpiry.From(json, now);
            var refresh = expires.AddMinutes(-5);
            return refresh > now ? refresh : now.AddSeconds(Math.Max(0, (expires - now).TotalSeconds / 2));
        }
    }
}
