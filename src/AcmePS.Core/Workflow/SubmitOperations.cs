using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    /// <summary>An authorization the CA did not grant, with its reason.</summary>
    public sealed class AuthorizationFailure
    {
        public string Identifier { get; set; }
        public string Status { get; set; }
        public AcmeProblem Problem { get; set; }
        public Uri Url { get; set; }

        public string Describe() => $"The CA did not validate '{Identifier}' (authorization {Status})"
            + (Problem != null ? ": " + Problem : ".");
    }

    public static class SubmitOperations
    {
        /// <summary>
        /// Tells the CA the challenges are ready, waits until every authorization of the order is decided, then reads
        /// the order once more and stores it. Returns the authorizations that failed (none on success).
        /// </summary>
        public static async Task<IReadOnlyList<AuthorizationFailure>> SubmitAsync(AcmeSession session, OrderRecord order,
            IReadOnlyList<PendingChallenge> challenges, TimeSpan timeout, IProgress<AcmeProgress> progress, CancellationToken ct)
        {
            var signer = session.Signer;
            await CheckEveryNameHasAChallengeAsync(session, order, challenges, ct).ConfigureAwait(false);
            string activity = $"Validating order {order.Name}";
            progress?.Report(new AcmeProgress(activity, $"Telling the CA that {challenges.Count} challenge(s) are ready", 0));
            await Task.WhenAll(challenges.Where(c => c.Status == AcmeStatus.Pending)
                .Select(c => session.Client.AnswerChallengeAsync(signer, c.Url, ct))).ConfigureAwait(false);

            int total = order.Authorizations.Count, decided = 0;
            var results = await Task.WhenAll(order.Authorizations.Select(async url =>
            {
                var authz = await session.Client.WaitForAuthorizationAsync(signer, url, timeout, null, ct).ConfigureAwait(false);
                int n = Interlocked.Increment(ref decided);
                progress?.Report(new AcmeProgress(activity, $"{n} of {total} authorization(s) decided ({authz.OrderIdentifier}: {authz.Status})", 100 * n / total));
                return authz;
            })).ConfigureAwait(false);

            var failures = results.Where(a => a.Status != AcmeStatus.Valid).Select(a => new AuthorizationFailure
            {
                Identifier = a.OrderIdentifier,
                Status = a.Status,
                Url = a.Location,
                Problem = a.Challenges.Select(c => c.Error).FirstOrDefault(e => e != null),
            }).ToList();

            var resource = failures.Count == 0
                ? await session.Client.WaitForOrderAsync(signer, order.Url, timeout, null, ct, AcmeStatus.Pending).ConfigureAwait(false)
                : await session.Client.GetOrderAsync(signer, order.Url, ct).ConfigureAwait(false);
            OrderOperations.Apply(order, resource);
            session.Vault.SaveOrder(order);
            progress?.Report(new AcmeProgress(activity, "done", 100) { Completed = true });
            return failures;
        }

        /// <summary>
        /// A pending authorization with no challenge among those submitted would only end in a timeout: say so now,
        /// before the CA is asked to validate anything.
        /// </summary>
        private static async Task CheckEveryNameHasAChallengeAsync(AcmeSession session, OrderRecord order,
            IReadOnlyList<PendingChallenge> challenges, CancellationToken ct)
        {
            var covered = new HashSet<Uri>(challenges.Where(c => c.AuthorizationUrl != null).Select(c => c.AuthorizationUrl));
            var others = order.Authorizations.Where(a => !covered.Contains(a)).ToList();
            if (others.Count == 0) return;
            var authorizations = await Task.WhenAll(others.Select(a => session.Client.GetAuthorizationAsync(session.Signer, a, ct))).ConfigureAwait(false);
            var missing = authorizations.Where(a => a.Status == AcmeStatus.Pending).Select(a => a.OrderIdentifier).ToList();
            if (missing.Count > 0)
                throw new AcmeException("AcmeChallengeMissing", AcmeErrorKind.InvalidOperation,
                    $"The order '{order.Name}' also needs {string.Join(", ", missing)} validated, but no challenge for it was submitted. "
                    + "Publish and submit a challenge for every name of the order.") { Target = order.Name };
        }
    }
}
