using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Http;

namespace AcmePS.Core.Dns.Providers
{
    /// <summary>One REST request of a DNS provider: headers may hold secrets and are never traced.</summary>
    public sealed class RestRequest
    {
        public RestRequest(string method, Uri url)
        {
            Method = method;
            Url = url;
        }

        public string Method { get; }
        public Uri Url { get; }
        public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public string Body { get; set; }
        public string ContentType { get; set; }
    }

    public sealed class RestResponse
    {
        public int StatusCode { get; set; }
        public string Body { get; set; }
        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;
    }

    /// <summary>The network seam of the DNS providers: tests record or answer requests with their own implementation.</summary>
    public interface IRestTransport
    {
        /// <summary>Sends one request; throws AcmeException AcmePluginUnreachable when no HTTP answer came back.</summary>
        Task<RestResponse> SendAsync(RestRequest request, CancellationToken cancellationToken);
    }

    /// <summary><see cref="IRestTransport"/> over one shared HttpClient. Traces method, URL and status only.</summary>
    public sealed class HttpRestTransport : IRestTransport
    {
        private static readonly HttpClient Client = CreateClient();
        public static readonly HttpRestTransport Instance = new HttpRestTransport();

        private static HttpClient CreateClient()
        {
            var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
            // Windows PowerShell 5.1 may offer only TLS 1.0/1.1 unless the machine enables strong crypto; the APIs need 1.2.
            if (System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
                handler.SslProtocols = System.Security.Authentication.SslProtocols.Tls12;
            var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.UserAgent.ParseAdd(AcmeHttpClient.UserAgent);
            return client;
        }

        public async Task<RestResponse> SendAsync(RestRequest request, CancellationToken cancellationToken)
        {
            using (var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url))
            {
                foreach (var header in request.Headers)
                    message.Headers.TryAddWithoutValidation(header.Key, header.Value);
                if (request.Body != null)
                {
                    message.Content = new StringContent(request.Body, Encoding.UTF8);
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType ?? "application/json");
                }
                var watch = Stopwatch.StartNew();
                HttpResponseMessage response;
                try
                {
                    response = await Client.SendAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException)
                {
                    string why = ex is TaskCanceledException ? "timed out" : Innermost(ex).Message;
                    AcmeTrace.Write($"{request.Method} {Display(request.Url)} -> no answer ({why})");
                    throw new AcmeException("AcmePluginUnreachable", AcmeErrorKind.ConnectionError,
                        $"{request.Url.GetLeftPart(UriPartial.Authority)} could not be reached: {why}", ex) { Target = request.Url.GetLeftPart(UriPartial.Authority) };
                }
                using (response)
                {
                    string body = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    AcmeTrace.Write($"{request.Method} {Display(request.Url)} -> {(int)response.StatusCode} in {watch.ElapsedMilliseconds} ms");
                    return new RestResponse { StatusCode = (int)response.StatusCode, Body = body };
                }
            }
        }

        /// <summary>The URL without its query string (which the providers never use for secrets, but keep short).</summary>
        private static string Display(Uri url) => url.GetLeftPart(UriPartial.Path);

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }

    /// <summary>The errors every provider reports the same way.</summary>
    public static class ProviderErrors
    {
        /// <summary>
        /// AcmePluginAuthenticationFailed for 401/403, AcmePluginRequestFailed otherwise; <paramref name="detail"/> is
        /// the provider's own message (never a request header).
        /// </summary>
        public static AcmeException ForResponse(string provider, string what, RestResponse response, string detail)
        {
            detail = Shorten(detail);
            string suffix = string.IsNullOrEmpty(detail) ? "" : ": " + detail;
            if (response.StatusCode == 401 || response.StatusCode == 403)
                return new AcmeException("AcmePluginAuthenticationFailed", AcmeErrorKind.PermissionDenied,
                    $"{provider} refused the credentials (HTTP {response.StatusCode}) to {what}{suffix}. Check the token or key and its permissions.") { Target = provider };
            return new AcmeException("AcmePluginRequestFailed", AcmeErrorKind.InvalidOperation,
                $"{provider} answered HTTP {response.StatusCode} to {what}{suffix}") { Target = provider };
        }

        public static AcmeException ZoneNotFound(string provider, string recordName, string where) =>
            new AcmeException("AcmeDnsZoneNotFound", AcmeErrorKind.NotFound,
                $"{provider} has no zone for {recordName} {where}.") { Target = recordName };

        public static AcmeException CredentialMissing(string provider, string message) =>
            new AcmeException("AcmePluginCredentialMissing", AcmeErrorKind.InvalidArgument, $"{provider}: {message}") { Target = provider };

        public static AcmeException BadAnswer(string provider, string what, Exception inner = null) =>
            new AcmeException("AcmePluginRequestFailed", AcmeErrorKind.InvalidData, $"{provider} gave an answer AcmePS cannot read to {what}.", inner) { Target = provider };

        private static string Shorten(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            text = text.Replace("\r", " ").Replace("\n", " ").Trim();
            return text.Length > 300 ? text.Substring(0, 300) + "…" : text;
        }
    }

    /// <summary>Names: the zone candidates of a record name, longest first.</summary>
    public static class DnsNames
    {
        public static string Normalize(string name) => (name ?? "").Trim().TrimEnd('.').ToLowerInvariant();

        /// <summary>"_acme-challenge.a.example.com" → "a.example.com", "example.com", "com".</summary>
        public static IEnumerable<string> ParentZones(string recordName)
        {
            string name = Normalize(recordName);
            int dot = name.IndexOf('.');
            while (dot >= 0)
            {
                name = name.Substring(dot + 1);
                if (name.Length > 0) yield return name;
                dot = name.IndexOf('.');
            }
        }

        /// <summary>The longest of <paramref name="zones"/> that <paramref name="recordName"/> is in, or null.</summary>
        public static string LongestSuffix(string recordName, IEnumerable<string> zones)
        {
            string name = Normalize(recordName);
            return zones.Select(Normalize)
                .Where(z => name == z || name.EndsWith("." + z, StringComparison.Ordinal))
                .OrderByDescending(z => z.Length).FirstOrDefault();
        }

        /// <summary>The part of <paramref name="recordName"/> below <paramref name="zone"/>; "@" for the apex.</summary>
        public static string Relative(string recordName, string zone)
        {
            string name = Normalize(recordName), z = Normalize(zone);
            return name == z ? "@" : name.Substring(0, name.Length - z.Length - 1);
        }
    }

    /// <summary>What each DNS provider does: add values to a TXT RRset, remove only the given values.</summary>
    public interface IDnsTxtProvider
    {
        /// <summary>Adds <paramref name="values"/> to the TXT RRset of <paramref name="recordName"/>, keeping the values already there.</summary>
        Task AddAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken cancellationToken);

        /// <summary>Removes <paramref name="values"/> from the RRset; the RRset goes when no value is left.</summary>
        Task RemoveAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken cancellationToken);
    }
}
