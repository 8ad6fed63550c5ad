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
}
