using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Http;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>What a Blob service request answered: status, the x-ms-error-code, ETag, lease id and body.</summary>
    internal sealed class BlobResponse
    {
        public int Status { get; set; }
        public string ErrorCode { get; set; }
        public string ETag { get; set; }
        public string LeaseId { get; set; }
        public byte[] Body { get; set; }
    }

    /// <summary>
    /// The Blob service REST API by hand (no Azure SDK: no Azure.Core to clash with the one Az.Accounts loads).
    /// Requests go to one container; every request carries x-ms-version and x-ms-date and is authorized by the
    /// credential. Connection failures and 500/503 are retried; other answers are returned for the caller to judge.
    /// </summary>
    internal sealed class BlobRestClient
    {
        public const string ApiVersion = "2025-11-05";
        private const int Attempts = 3;
        private static readonly ConcurrentDictionary<string, HttpClient> Clients = new ConcurrentDictionary<string, HttpClient>();

        private readonly BlobAddress _address;
        private readonly BlobCredential _credential;
        private readonly HttpClient _http;

        public BlobRestClient(BlobAddress address, BlobCredential credential, HttpClient http = null)
        {
            _address = address;
            _credential = credential;
            _http = http ?? Shared("blob");
        }

        public BlobAddress Address => _address;

        /// <summary>One pooled HttpClient per use, for the process's lifetime.</summary>
        public static HttpClient Shared(string use) => Clients.GetOrAdd(use, _ =>
        {
            // The identity endpoints are local to the machine: no proxy for them.
            var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64, UseProxy = use == "blob" };
            if (System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
                handler.SslProtocols = System.Security.Authentication.SslProtocols.Tls12;
            var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.ParseAdd(AcmeHttpClient.UserAgent);
            return client;
        });

        /// <summary>
        /// Sends one request. <paramref name="blob"/> is the blob name below the container (null: the container itself);
        /// <paramref name="query"/> is "name=value&amp;..." already escaped.
        /// </summary>
        public async Task<BlobResponse> SendAsync(HttpMethod method, string blob, string query, IDictionary<string, string> headers,
            byte[] body, CancellationToken cancellationToken)
        {
            string path = "/" + Uri.EscapeDataString(_address.Container)
                + (blob == null ? "" : "/" + string.Join("/", blob.Split('/').Select(Uri.EscapeDataString)));
            string fullQuery = string.Join("&", new[] { query, _credential.Sas }.Where(q => !string.IsNullOrEmpty(q)));
            var uri = new Uri(_address.ServiceRoot + path + (fullQuery.Length > 0 ? "?" + fullQuery : ""));
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    var response = await SendOnceAsync(method, uri, headers, body, cancellationToken).ConfigureAwait(false);
                    if ((response.Status == 500 || response.Status == 503) && attempt < Attempts)
                    {
                        AcmeTrace.Write($"vault: HTTP {response.Status} for {method} {Describe(blob)}; retrying ({attempt + 1}/{Attempts})");
                        await Task.Delay(200 * attempt * attempt, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    return response;
                }
                catch (Exception ex) when ((ex is HttpRequestException || ex is OperationCanceledException) && !cancellationToken.IsCancellationRequested)
                {
                    if (attempt < Attempts)
                    {
                        AcmeTrace.Write($"vault: {method} {Describe(blob)} failed ({ex.GetType().Name}); retrying ({attempt + 1}/{Attempts})");
                        await Task.Delay(200 * attempt * attempt, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    throw new AcmeException("AcmeVaultStorageFailed", AcmeErrorKind.ConnectionError,
                        $"The vault at {_address.Display} could not be reached ({method} {Describe(blob)}): {ex.GetBaseException().Message}", ex) { Target = _address.Display };
                }
            }
        }

        private async Task<BlobResponse> SendOnceAsync(HttpMethod method, Uri uri, IDictionary<string, string> headers, byte[] body, CancellationToken cancellationToken)
        {
            var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["x-ms-version"] = ApiVersion,
                ["x-ms-date"] = DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture),
            };
            if (headers != null) foreach (var kv in headers) all[kv.Key] = kv.Value;
            long length = body?.Length ?? 0;
            string authorization = await _credential.AuthorizationAsync(method.Method, uri, all, length, cancellationToken).ConfigureAwait(false);

            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            using (var request = new HttpRequestMessage(method, uri))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                // A PUT always has a body, if empty, so that Content-Length: 0 is sent (the service requires it).
                if (body != null || method == HttpMethod.Put) request.Content = new ByteArrayContent(body ?? new byte[0]);
                foreach (var kv in all) request.Headers.TryAddWithoutValidation(kv.Key, kv.Value);
                if (authorization != null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
                using (var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false))
                {
                    byte[] content = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    return new BlobResponse
                    {
                        Status = (int)response.StatusCode,
                        ErrorCode = Header(response, "x-ms-error-code"),
                        ETag = response.Headers.ETag?.ToString() ?? Header(response, "ETag"),
                        LeaseId = Header(response, "x-ms-lease-id"),
                        Body = content,
                    };
                }
            }
        }

        private static string Header(HttpResponseMessage response, string name) =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

        private string Describe(string blob) => blob == null ? _address.Container : _address.Container + "/" + blob;

        /// <summary>The failure for an answer the caller did not expect; the service's error code, never its body or our credential.</summary>
        public AcmeException Failure(string operation, string blob, BlobResponse response)
        {
            string what = $"{operation} {Describe(blob)}: HTTP {response.Status}{(response.ErrorCode != null ? " " + response.ErrorCode : "")}";
            if (response.Status == (int)HttpStatusCode.Unauthorized || response.Status == (int)HttpStatusCode.Forbidden
                || response.ErrorCode == "AuthenticationFailed" || response.ErrorCode == "InvalidAuthenticationInfo")
                return new AcmeException("AcmeVaultAccessDenied", AcmeErrorKind.PermissionDenied,
                    $"The vault at {_address.Display} refused the request ({what}). Check the SAS, the connection string or the identity's role (Storage Blob Data Contributor).") { Target = _address.Display };
            return new AcmeException("AcmeVaultStorageFailed", AcmeErrorKind.ConnectionError, $"The vault at {_address.Display} failed ({what}).") { Target = _address.Display };
        }
    }
}
