using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>
    /// Access tokens for https://storage.azure.com/ from the managed identity the process runs as: IDENTITY_ENDPOINT,
    /// else MSI_ENDPOINT, else the instance metadata service (the request: <see cref="Http.ManagedIdentityEndpoint"/>).
    /// ACMEPS_VAULT_CLIENT_ID picks a user-assigned identity. A token is reused until five minutes before it expires.
    /// </summary>
    internal sealed class ManagedIdentityTokenSource
    {
        public const string Resource = "https://storage.azure.com/";
        public static readonly Uri DefaultImds = Http.ManagedIdentityEndpoint.DefaultImds;

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

        /// <summary>The request for a token (<see cref="Http.ManagedIdentityEndpoint"/>), for ACMEPS_VAULT_CLIENT_ID's identity.</summary>
        internal Http.ManagedIdentityEndpoint Endpoint() =>
            Http.ManagedIdentityEndpoint.For(_env, _imds, Resource, _env("ACMEPS_VAULT_CLIENT_ID"));

        private static HttpRequestMessage ToHttpRequest(Http.ManagedIdentityEndpoint endpoint)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Url);
            foreach (var header in endpoint.Headers) request.Headers.Add(header.Key, header.Value);
            return request;
        }

        private async Task<(string, DateTimeOffset)> FetchAsync(CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            string body;
            var endpoint = Endpoint();
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (var request = ToHttpRequest(endpoint))
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
                        $"No managed identity token from the {endpoint.Source} (it did not answer: {ex.GetType().Name}). Outside Azure, give the vault a SAS in its URL or set ACMEPS_VAULT_CONNECTION_STRING.", ex);
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
                        $"The managed identity endpoint ({endpoint.Source}) gave no token for {Resource}: HTTP {(int)response.StatusCode}{(error != null ? " " + error : "")}.");
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
