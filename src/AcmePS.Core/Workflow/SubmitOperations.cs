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
        /// Tells the CA the challenges are ready, polls the order until every authorization is decided, and stores it.
        /// Returns the authorizations that failed (none on success).
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

            // One poll of the order decides every name at once: it is ready when all authorizations are valid and
            // invalid as soon as one is not. The authorizations are read only to say why, when it failed.
            progress?.Report(new AcmeProgress(activity, "Waiting for the CA to validate", 30));
            await session.Client.Clock.Delay(session.Client.Retry.PollFirst, ct).ConfigureAwait(false);
            var resource = await session.Client.WaitForOrderAsync(signer, order.Url, timeout,
                status => progress?.Report(new AcmeProgress(activity, $"Order {status}", 60)), ct, AcmeStatus.Pending).ConfigureAwait(false);
            var failures = new List<AuthorizationFailure>();
            if (resource.Status != AcmeStatus.Ready && resource.Status != AcmeStatus.Processing && resource.Status != AcmeStatus.Valid)
            {
                var results = await Task.WhenAll(order.Authorizations.Select(url => session.Client.GetAuthorizationAsync(signer, url, ct))).ConfigureAwait(false);
                failures = results.Where(a => a.Status != AcmeStatus.Valid).Select(a => new AuthorizationFailure
                {
                    Identifier = a.OrderIdentifier,
                    Status = a.Status,
                    Url = a.Location,
                    Problem = a.Challenges.Select(c => c.Error).FirstOrDefault(e => e != null),
                }).ToList();
                if (failures.Count == 0)
                    failures.Add(new AuthorizationFailure { Identifier = order.Name, Status = resource.Status, Problem = resource.Error, Url = order.Url });
            }
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
