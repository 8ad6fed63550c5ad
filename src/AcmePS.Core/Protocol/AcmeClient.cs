using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using AcmePS.Core.Http;
using AcmePS.Core.Jws;
using AcmePS.Core.Util;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Protocol
{
    /// <summary>
    /// The RFC 8555 client for one CA: the directory (read once), a pool of nonces filled from every
    /// Replay-Nonce, signed POSTs that survive badNonce and transient faults. The resource operations are in the
    /// other parts of this class.
    /// </summary>
    public sealed partial class AcmeClient
    {
        private static readonly ConcurrentDictionary<string, AcmeClient> Shared = new ConcurrentDictionary<string, AcmeClient>();

        private readonly IAcmeHttpClient _http;
        private readonly ConcurrentQueue<string> _nonces = new ConcurrentQueue<string>();
        private readonly SemaphoreSlim _directoryLock = new SemaphoreSlim(1, 1);
        private AcmeDirectory _directory;

        public AcmeClient(IAcmeHttpClient http, Uri directoryUrl, IClock clock = null, RetryPolicy retry = null)
        {
            _http = http ?? throw new ArgumentNullException(nameof(http));
            DirectoryUrl = directoryUrl ?? throw new ArgumentNullException(nameof(directoryUrl));
            Clock = clock ?? SystemClock.Instance;
            Retry = retry ?? RetryPolicy.Default;
        }

        /// <summary>The client for a CA, shared by every command in this process (one directory, one nonce pool).</summary>
        public static AcmeClient For(Uri directoryUrl, TrustedRoots trustedRoots)
        {
            var timeout = AcmeHttpClient.ConfiguredTimeout();
            return Shared.GetOrAdd(directoryUrl.AbsoluteUri + "|" + trustedRoots?.Key + "|" + timeout.Ticks,
                _ => new AcmeClient(new AcmeHttpClient(trustedRoots, timeout), directoryUrl));
        }

        public Uri DirectoryUrl { get; }

        public IClock Clock { get; }

        public RetryPolicy Retry { get; }

        /// <summary>
        /// Every request goes through here: the rate limit of the operation in progress (RequestRateLimiter.Current,
        /// set by the command that wants one), then the network seam.
        /// </summary>
        private async Task<AcmeHttpResponse> SendAsync(AcmeHttpRequest request, CancellationToken cancellationToken)
        {
            var limiter = RequestRateLimiter.Current;
            if (limiter != null) await limiter.WaitAsync(Clock, cancellationToken).ConfigureAwait(false);
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Called with the directory's JSON each time it is read from the CA (the vault caches it).</summary>
        public Action<JObject> DirectoryFetched { get; set; }

        /// <summary>Called when a directory endpoint answered 404: the cached directory is stale.</summary>
        public Action DirectoryInvalidated { get; set; }

        /// <summary>Uses a directory read earlier (from the vault's cache) instead of asking the CA, until it fails.</summary>
        public bool Seed(JObject raw)
        {
            if (_directory != null || raw == null) return false;
            var directory = raw.ToObject<AcmeDirectory>();
            if (directory?.NewNonce == null || directory.NewAccount == null || directory.NewOrder == null) return false;
            directory.Raw = raw;
            _directory = directory;
            return true;
        }

        public bool HasDirectory => _directory != null;

        /// <summary>The directory, read once; <paramref name="refresh"/> reads it from the CA again.</summary>
        public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken cancellationToken, bool refresh = false)
        {
            if (refresh) _directory = null;
            if (_directory != null) return _directory;
            await _directoryLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_directory != null) return _directory;
                AcmeHttpResponse response;
                try
                {
                    response = await GetAsync(DirectoryUrl, cancellationToken).ConfigureAwait(false);
                }
                catch (AcmeProblemException ex) when (ex.HttpStatus < 500)
                {
                    throw NotAcme($"{DirectoryUrl} answered HTTP {ex.HttpStatus}: is it the directory URL of an ACME CA?", ex);
                }
                JObject raw;
                try
                {
                    raw = ParseJson<JObject>(response, DirectoryUrl);
                }
                catch (AcmeException ex)
                {
                    throw NotAcme($"{DirectoryUrl} answered, but not with an ACME directory (no JSON).", ex);
                }
                var directory = raw.ToObject<AcmeDirectory>();
                if (directory.NewNonce == null || directory.NewAccount == null || directory.NewOrder == null)
                    throw NotAcme($"{DirectoryUrl} answered, but not with an ACME directory (newNonce, newAccount, newOrder are missing).", null);
                directory.Raw = raw;
                _directory = directory;
                DirectoryFetched?.Invoke(raw);
                return directory;
            }
            finally
            {
                _directoryLock.Release();
            }
        }

        private AcmeException NotAcme(string message, Exception inner) =>
            new AcmeException("AcmeServerNotAcme", AcmeErrorKind.InvalidData, message, inner) { Target = DirectoryUrl };

        /// <summary>An unauthenticated GET (directory, ARI), retried on transient faults.</summary>
        public async Task<AcmeHttpResponse> GetAsync(Uri url, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                AcmeHttpResponse response;
                try
                {
                    response = await SendAsync(new AcmeHttpRequest("GET", url), cancellationToken).ConfigureAwait(false);
                }
                catch (AcmeTransportException ex) when (CanRetry(ex, attempt))
                {
                    await Clock.Delay(Retry.Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (AcmeTransportException ex)
                {
                    throw Unreachable(url, ex);
                }
                Remember(response.ReplayNonce);
                if (response.IsSuccess) return response;
                if (response.StatusCode >= 500 && await WaitToRetryAsync(response, attempt, cancellationToken).ConfigureAwait(false)) continue;
                throw ProblemOf(response, url);
            }
        }

        /// <summary>
        /// A JWS-signed POST. <paramref name="payload"/> null is POST-as-GET. With <paramref name="keyId"/> the account URL
        /// signs ("kid"); without it the key itself ("jwk"). badNonce is always retried with the nonce of the error;
        /// 5xx answers and lost connections only when <paramref name="retryTransient"/> says repeating is safe.
        /// </summary>
        public async Task<AcmeHttpResponse> PostAsync(Uri url, JToken payload, AcmeKey key, string keyId, bool retryTransient,
            CancellationToken cancellationToken)
        {
            int badNonces = 0;
            string nonce = null;
            for (int attempt = 1; ; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (nonce == null) nonce = await TakeNonceAsync(cancellationToken).ConfigureAwait(false);
                string body = JwsSigner.Sign(key, url.AbsoluteUri, nonce, payload, keyId);
                nonce = null;
                AcmeHttpResponse response;
                try
                {
                    response = await SendAsync(new AcmeHttpRequest("POST", url, body), cancellationToken).ConfigureAwait(false);
                }
                catch (AcmeTransportException ex) when (retryTransient && CanRetry(ex, attempt))
                {
                    await Clock.Delay(Retry.Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (AcmeTransportException ex)
                {
                    throw Unreachable(url, ex);
                }
                if (response.IsSuccess)
                {
                    Remember(response.ReplayNonce);
                    return response;
                }
                var problem = response.IsProblem ? AcmeProblem.Parse(response.Body) : null;
                if (problem != null && problem.Is("badNonce") && badNonces < Retry.BadNonceRetries)
                {
                    badNonces++;
                    attempt--;
                    nonce = response.ReplayNonce;
                    AcmeTrace.Write($"badNonce from {url}: retrying with a fresh nonce ({badNonces}/{Retry.BadNonceRetries})");
                    continue;
                }
                Remember(response.ReplayNonce);
                if (response.StatusCode == 404 && IsDirectoryEndpoint(url)) ForgetDirectory();
                if (response.StatusCode >= 500 && retryTransient
                    && await WaitToRetryAsync(response, attempt, cancellationToken).ConfigureAwait(false)) continue;
                throw ProblemOf(response, url);
            }
        }

        private async Task<string> TakeNonceAsync(CancellationToken cancellationToken)
        {
            if (_nonces.TryDequeue(out string nonce)) return nonce;
            var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
            for (int attempt = 1; ; attempt++)
            {
                AcmeHttpResponse response;
                try
                {
                    response = await SendAsync(new AcmeHttpRequest("HEAD", directory.NewNonce), cancellationToken).ConfigureAwait(false);
                }
                catch (AcmeTransportException ex) when (CanRetry(ex, attempt))
                {
                    await Clock.Delay(Retry.Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (AcmeTransportException ex)
                {
                    throw Unreachable(directory.NewNonce, ex);
                }
                if (!string.IsNullOrEmpty(response.ReplayNonce)) return response.ReplayNonce;
                if (response.StatusCode == 404) ForgetDirectory();
                if (response.StatusCode >= 500 && await WaitToRetryAsync(response, attempt, cancellationToken).ConfigureAwait(false)) continue;
                throw new AcmeException("AcmeNonceUnavailable", AcmeErrorKind.ConnectionError,
                    $"{directory.NewNonce} answered HTTP {response.StatusCode} without a Replay-Nonce.") { Target = directory.NewNonce };
            }
        }

        /// <summary>A directory endpoint answered 404: the CA moved it, so the directory is read again next time.</summary>
        private void ForgetDirectory()
        {
            _directory = null;
            DirectoryInvalidated?.Invoke();
        }

        private bool IsDirectoryEndpoint(Uri url)
        {
            var d = _directory;
            return d != null && (url == d.NewNonce || url == d.NewAccount || url == d.NewOrder || url == d.RevokeCert || url == d.KeyChange);
        }

        private void Remember(string nonce)
        {
            // Bounded: a pool larger than the requests in flight is never used.
            if (!string.IsNullOrEmpty(nonce) && _nonces.Count < 64) _nonces.Enqueue(nonce);
        }

        private bool CanRetry(AcmeTransportException ex, int attempt) => !ex.IsTrustFailure && attempt < Retry.TransientAttempts;

        private async Task<bool> WaitToRetryAsync(AcmeHttpResponse response, int attempt, CancellationToken cancellationToken)
        {
            if (attempt >= Retry.TransientAttempts) return false;
            var wait = response.RetryAfter ?? Retry.Backoff(attempt);
            if (wait > Retry.RetryAfterMax) return false;
            AcmeTrace.Write($"HTTP {response.StatusCode}: retrying in {wait.TotalMilliseconds:0} ms (attempt {attempt + 1}/{Retry.TransientAttempts})");
            await Clock.Delay(wait, cancellationToken).ConfigureAwait(false);
            return true;
        }

        internal static AcmeException ProblemOf(AcmeHttpResponse response, Uri url)
        {
            var problem = response.IsProblem
                ? AcmeProblem.Parse(response.Body)
                : new AcmeProblem { Type = AcmeProblem.Prefix + "serverInternal", Detail = $"HTTP {response.StatusCode} without a problem document", Status = response.StatusCode };
            return new AcmeProblemException(problem, response.StatusCode, response.RetryAfter, url.AbsoluteUri);
        }

        private static AcmeException Unreachable(Uri url, AcmeTransportException ex)
        {
            if (ex.IsTrustFailure)
                return new AcmeException("AcmeServerNotTrusted", AcmeErrorKind.SecurityError,
                    $"The TLS certificate of {url.Host}:{url.Port} is not trusted. For a test CA, give its root with Set-AcmeServer -TrustedRoot.", ex) { Target = url };
            return new AcmeException("AcmeServerUnreachable", AcmeErrorKind.ConnectionError,
                $"The ACME server at {url.GetLeftPart(UriPartial.Authority)} could not be reached: {ex.Message}", ex) { Target = url };
        }

        internal static T ParseJson<T>(AcmeHttpResponse response, Uri url)
        {
            try
            {
                var value = JsonConvert.DeserializeObject<T>(response.Body ?? string.Empty);
                if (value == null) throw new JsonSerializationException("empty body");
                return value;
            }
            catch (JsonException ex)
            {
                throw new AcmeException("AcmeServerResponseInvalid", AcmeErrorKind.InvalidData,
                    $"{url} answered with something that is not the JSON expected: {ex.Message}", ex) { Target = url };
            }
        }
    }
}
