using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Authentication;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Http
{
    /// <summary>
    /// <see cref="IAcmeHttpClient"/> over HttpClient. One HttpClient (and so one connection pool) per set of trusted
    /// roots for the life of the process: a session that issues many certificates reuses its connections.
    /// </summary>
    public sealed class AcmeHttpClient : IAcmeHttpClient
    {
        private static readonly ConcurrentDictionary<string, HttpClient> Clients = new ConcurrentDictionary<string, HttpClient>();
        private static readonly Regex LinkPattern = new Regex("<(?<url>[^>]*)>\\s*;\\s*rel\\s*=\\s*\"?(?<rel>[^\";,]+)\"?", RegexOptions.Compiled);

        public static readonly string Version =
            typeof(AcmeHttpClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
            ?? typeof(AcmeHttpClient).Assembly.GetName().Version.ToString(3);

        public static readonly string UserAgent = "AcmePS/" + Version;

        private readonly HttpClient _client;

        public AcmeHttpClient(TrustedRoots trustedRoots = null, TimeSpan? timeout = null)
        {
            string key = (trustedRoots?.Key ?? "system") + "|" + (timeout ?? TimeSpan.FromSeconds(30)).Ticks;
            _client = Clients.GetOrAdd(key, _ => Create(trustedRoots, timeout ?? TimeSpan.FromSeconds(30)));
        }

        /// <summary>The environment variable that sets how long one request may take, in seconds (1 to 600; default 30).</summary>
        public const string TimeoutVariable = "ACMEPS_REQUEST_TIMEOUT_SECONDS";

        /// <summary>
        /// The per-request timeout: <see cref="TimeoutVariable"/> when it holds a number of seconds from 1 to 600, else 30 s.
        /// A request that times out counts as a lost connection (retried where repeating is safe).
        /// </summary>
        public static TimeSpan ConfiguredTimeout()
        {
            string text = Environment.GetEnvironmentVariable(TimeoutVariable);
            return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
                   && seconds >= 1 && seconds <= 600
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.FromSeconds(30);
        }

        private static HttpClient Create(TrustedRoots trustedRoots, TimeSpan timeout)
        {
            // Bulk issuance keeps many requests in flight: .NET Framework would allow two connections per host.
            var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64 };
            // Windows PowerShell 5.1 may offer only TLS 1.0/1.1 unless the machine enables strong crypto; CAs need 1.2.
            if (System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
                handler.SslProtocols = SslProtocols.Tls12;
            if (trustedRoots != null)
                handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => trustedRoots.Validate(cert, chain, errors);
            var client = new HttpClient(handler) { Timeout = timeout };
            client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
            return client;
        }

        public async Task<AcmeHttpResponse> SendAsync(AcmeHttpRequest request, CancellationToken cancellationToken)
        {
            var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
            if (request.JoseBody != null)
            {
                message.Content = new StringContent(request.JoseBody, Encoding.UTF8);
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json");
            }
            var watch = Stopwatch.StartNew();
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException)
            {
                bool trust = IsTrustFailure(ex);
                string why = ex is TaskCanceledException ? "timed out" : Innermost(ex).Message;
                AcmeTrace.Write($"{request.Method} {request.Url} -> no answer ({why}) after {watch.ElapsedMilliseconds} ms");
                throw new AcmeTransportException($"{request.Method} {request.Url} failed: {why}", ex, trust);
            }
            using (response)
            {
                var result = new AcmeHttpResponse
                {
                    StatusCode = (int)response.StatusCode,
                    ContentType = response.Content?.Headers.ContentType?.MediaType,
                    Body = response.Content == null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false),
                };
                if (response.Headers.Location != null)
                    result.Location = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(request.Url, response.Headers.Location);
                if (response.Headers.TryGetValues("Replay-Nonce", out var nonces)) result.ReplayNonce = nonces.FirstOrDefault();
                result.RetryAfter = ParseRetryAfter(response.Headers.RetryAfter);
                if (response.Headers.TryGetValues("Link", out var links))
                    foreach (string header in links)
                        foreach (Match m in LinkPattern.Matches(header))
                            result.Links.Add(new KeyValuePair<Uri, string>(new Uri(request.Url, m.Groups["url"].Value), m.Groups["rel"].Value));
                AcmeTrace.Write($"{request.Method} {request.Url} -> {result.StatusCode} in {watch.ElapsedMilliseconds} ms");
                return result;
            }
        }

        private static TimeSpan? ParseRetryAfter(RetryConditionHeaderValue value)
        {
            if (value == null) return null;
            if (value.Delta.HasValue) return value.Delta.Value;
            if (value.Date.HasValue)
            {
                var wait = value.Date.Value - DateTimeOffset.UtcNow;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
            return null;
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }

        private static bool IsTrustFailure(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
                if (e is AuthenticationException) return true;
            return false;
        }
    }
}
