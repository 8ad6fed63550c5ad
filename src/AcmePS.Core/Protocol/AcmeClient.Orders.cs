using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using AcmePS.Core.Http;
using AcmePS.Core.Util;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Protocol
{
    /// <summary>Who signs: the account key and the account URL ("kid").</summary>
    public sealed class AcmeSigner
    {
        public AcmeSigner(AcmeKey key, Uri accountUrl)
        {
            Key = key;
            AccountUrl = accountUrl;
        }

        public AcmeKey Key { get; }

        public Uri AccountUrl { get; }
    }

    public sealed partial class AcmeClient
    {
        /// <summary>newOrder. A lost answer is retried with a fresh newOrder: an orphaned order costs nothing.</summary>
        public Task<AcmeOrderResource> NewOrderAsync(AcmeSigner signer, IEnumerable<AcmeIdentifier> identifiers,
            DateTimeOffset? notBefore, DateTimeOffset? notAfter, CancellationToken cancellationToken) =>
            NewOrderAsync(signer, identifiers, new NewOrderOptions { NotBefore = notBefore, NotAfter = notAfter }, cancellationToken);

        /// <summary>newOrder with a validity period, a profile and the certificate it replaces (each when given).</summary>
        public async Task<AcmeOrderResource> NewOrderAsync(AcmeSigner signer, IEnumerable<AcmeIdentifier> identifiers,
            NewOrderOptions options, CancellationToken cancellationToken)
        {
            options = options ?? new NewOrderOptions();
            var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
            var payload = new JObject { ["identifiers"] = JArray.FromObject(identifiers) };
            if (options.NotBefore.HasValue) payload["notBefore"] = Rfc3339(options.NotBefore.Value);
            if (options.NotAfter.HasValue) payload["notAfter"] = Rfc3339(options.NotAfter.Value);
            if (!string.IsNullOrEmpty(options.Profile)) payload["profile"] = options.Profile;
            if (!string.IsNullOrEmpty(options.Replaces)) payload["replaces"] = options.Replaces;
            var response = await PostAsync(directory.NewOrder, payload, signer.Key, signer.AccountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false);
            var order = ParseJson<AcmeOrderResource>(response, directory.NewOrder);
            order.Location = response.Location ?? throw new AcmeException("AcmeServerResponseInvalid", AcmeErrorKind.InvalidData,
                "The CA created the order but sent no Location header with its URL.");
            return order;
        }

        private static string Rfc3339(DateTimeOffset value) =>
            value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        public async Task<AcmeOrderResource> GetOrderAsync(AcmeSigner signer, Uri orderUrl, CancellationToken cancellationToken)
        {
            var response = await PostAsync(orderUrl, null, signer.Key, signer.AccountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false);
            var order = ParseJson<AcmeOrderResource>(response, orderUrl);
            order.Location = orderUrl;
            order.RetryAfter = response.RetryAfter;
            return order;
        }

        public async Task<AcmeAuthorizationResource> GetAuthorizationAsync(AcmeSigner signer, Uri authorizationUrl, CancellationToken cancellationToken)
        {
            var response = await PostAsync(authorizationUrl, null, signer.Key, signer.AccountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false);
            var authorization = ParseJson<AcmeAuthorizationResource>(response, authorizationUrl);
            authorization.Location = authorizationUrl;
            authorization.RetryAfter = response.RetryAfter;
            return authorization;
        }

        /// <summary>
        /// Tells the CA the challenge is ready (POST {}). When a retry finds that the first answer did arrive (some CAs
        /// then refuse to update a challenge that is no longer pending), the challenge as it stands is the result.
        /// </summary>
        public async Task<AcmeChallengeResource> AnswerChallengeAsync(AcmeSigner signer, Uri challengeUrl, CancellationToken cancellationToken)
        {
            try
            {
                var response = await PostAsync(challengeUrl, new JObject(), signer.Key, signer.AccountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false);
                return ParseJson<AcmeChallengeResource>(response, challengeUrl);
            }
            catch (AcmeProblemException ex) when (ex.HttpStatus < 500)
            {
                var current = ParseJson<AcmeChallengeResource>(
                    await PostAsync(challengeUrl, null, signer.Key, signer.AccountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false), challengeUrl);
                if (current.Status == AcmeStatus.Pending) throw;
                AcmeTrace.Write($"challenge {challengeUrl} is already {current.Status}");
                return current;
            }
        }

        /// <summary>
        /// Sends the CSR. finalize is not repeated blindly: after a lost answer or a 5xx the order is read again, and
        /// finalize is sent again only while the order is still "ready".
        /// </summary>
        public async Task<AcmeOrderResource> FinalizeAsync(AcmeSigner signer, AcmeOrderResource order, byte[] csrDer, CancellationToken cancellationToken)
        {
            var payload = new JObject { ["csr"] = Base64Url.Encode(csrDer) };
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    var response = await PostAsync(order.Finalize, payload, signer.Key, signer.AccountUrl.AbsoluteUri, false, cancellationToken).ConfigureAwait(false);
                    var result = ParseJson<AcmeOrderResource>(response, order.Finalize);
                    result.Location = order.Location;
                    result.RetryAfter = response.RetryAfter;
                    return result;
                }
                catch (AcmeException ex) when (attempt < Retry.TransientAttempts && IsTransient(ex))
                {
                    AcmeTrace.Write($"finalize failed ({ex.Message}); reading the order again");
                    await Clock.Delay(Retry.Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    var current = await GetOrderAsync(signer, order.Location, cancellationToken).ConfigureAwait(false);
                    if (current.Status != AcmeStatus.Ready) return current;
                }
            }
        }

        private static bool IsTransient(AcmeException ex) =>
            (ex.ErrorId == "AcmeServerUnreachable") || (ex is AcmeProblemException p && (p.HttpStatus >= 500 || p.Problem.Is("orderNotReady")));

        /// <summary>Polls the order until it leaves "pending"/"processing" (or the wait ends).</summary>
        public Task<AcmeOrderResource> WaitForOrderAsync(AcmeSigner signer, Uri orderUrl, TimeSpan timeout, Action<string> onPoll,
            CancellationToken cancellationToken, params string[] waitWhile)
        {
            return PollAsync(ct => GetOrderAsync(signer, orderUrl, ct), o => !waitWhile.Contains(o.Status), o => o.RetryAfter,
                o => onPoll?.Invoke(o.Status), timeout, "AcmeOrderTimeout", $"The order {orderUrl} did not leave status {string.Join("/", waitWhile)} in time.",
                cancellationToken);
        }

        public Task<AcmeAuthorizationResource> WaitForAuthorizationAsync(AcmeSigner signer, Uri authorizationUrl, TimeSpan timeout,
            Action<AcmeAuthorizationResource> onPoll, CancellationToken cancellationToken)
        {
            return PollAsync(ct => GetAuthorizationAsync(signer, authorizationUrl, ct), a => a.Status != AcmeStatus.Pending, a => a.RetryAfter,
                onPoll, timeout, "AcmeAuthorizationTimeout", $"The authorization {authorizationUrl} was still pending when the wait ended.",
                cancellationToken);
        }

        private async Task<T> PollAsync<T>(Func<CancellationToken, Task<T>> get, Func<T, bool> done, Func<T, TimeSpan?> retryAfter,
            Action<T> onPoll, TimeSpan timeout, string timeoutErrorId, string timeoutMessage, CancellationToken cancellationToken)
        {
            var deadline = Clock.UtcNow + timeout;
            for (int attempt = 0; ; attempt++)
            {
                T value = await get(cancellationToken).ConfigureAwait(false);
                onPoll?.Invoke(value);
                if (done(value)) return value;
                var remaining = deadline - Clock.UtcNow;
                if (remaining <= TimeSpan.Zero)
                    throw new AcmeException(timeoutErrorId, AcmeErrorKind.OperationTimeout, timeoutMessage);
                var wait = Retry.PollDelay(attempt, retryAfter(value));
                await Clock.Delay(wait < remaining ? wait : remaining, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Downloads a certificate chain (PEM) and the URLs of its alternate chains (Link rel="alternate").</summary>
        public async Task<KeyValuePair<string, IReadOnlyList<Uri>>> DownloadCertificateAsync(AcmeSigner signer, Uri certificateUrl,
            CancellationToken cancellationToken)
        {
            var response = await PostAsync(certificateUrl, null, signer.Key, signer.AccountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false);
            var alternates = response.Links.Where(l => l.Value == "alternate").Select(l => l.Key).ToList();
            return new KeyValuePair<string, IReadOnlyList<Uri>>(response.Body, alternates);
        }

        /// <summary>
        /// revokeCert (RFC 8555 §7.6). With a signer the account signs ("kid"); with only <paramref name="certificateKey"/>
        /// the certificate's own key signs ("jwk").
        /// </summary>
        public async Task RevokeCertificateAsync(byte[] certificateDer, int reason, AcmeSigner signer, AcmeKey certificateKey,
            CancellationToken cancellationToken)
        {
            var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
            if (directory.RevokeCert == null)
                throw new AcmeException("AcmeRevocationUnsupported", AcmeErrorKind.InvalidOperation, "This CA's directory offers no revokeCert.");
            var payload = new JObject { ["certificate"] = Base64Url.Encode(certificateDer), ["reason"] = reason };
            if (signer != null)
                await PostAsync(directory.RevokeCert, payload, signer.Key, signer.AccountUrl.AbsoluteUri, false, cancellationToken).ConfigureAwait(false);
            else
                await PostAsync(directory.RevokeCert, payload, certificateKey, null, false, cancellationToken).ConfigureAwait(false);
        }
    }
}
