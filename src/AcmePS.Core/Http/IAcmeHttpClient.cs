using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Http
{
    /// <summary>
    /// The one seam between the protocol and the network: tests drive the engine through odd server behaviour with
    /// their own implementation, the module uses <see cref="AcmeHttpClient"/>.
    /// </summary>
    public interface IAcmeHttpClient
    {
        /// <summary>Sends one request. Throws <see cref="AcmeTransportException"/> when no HTTP answer came back.</summary>
        Task<AcmeHttpResponse> SendAsync(AcmeHttpRequest request, CancellationToken cancellationToken);
    }

    public sealed class AcmeHttpRequest
    {
        public AcmeHttpRequest(string method, Uri url, string joseBody = null)
        {
            Method = method;
            Url = url;
            JoseBody = joseBody;
        }

        /// <summary>GET, HEAD or POST.</summary>
        public string Method { get; }

        public Uri Url { get; }

        /// <summary>The flattened JWS for a POST (Content-Type application/jose+json); null otherwise.</summary>
        public string JoseBody { get; }
    }

    public sealed class AcmeHttpResponse
    {
        public int StatusCode { get; set; }

        public string ContentType { get; set; }

        public string Body { get; set; }

        public Uri Location { get; set; }

        public string ReplayNonce { get; set; }

        public TimeSpan? RetryAfter { get; set; }

        /// <summary>Link headers as (absolute URL, rel).</summary>
        public IList<KeyValuePair<Uri, string>> Links { get; set; } = new List<KeyValuePair<Uri, string>>();

        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;

        public bool IsProblem => ContentType != null && ContentType.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>No HTTP answer: connection refused or dropped, TLS failure, timeout.</summary>
    public sealed class AcmeTransportException : Exception
    {
        public AcmeTransportException(string message, Exception inner, bool isTrustFailure = false) : base(message, inner)
        {
            IsTrustFailure = isTrustFailure;
        }

        /// <summary>The server's TLS certificate was not trusted: retrying will not help.</summary>
        public bool IsTrustFailure { get; }
    }
}
