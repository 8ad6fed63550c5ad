using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core;
using AcmePS.Core.Challenges;
using AcmePS.Core.Crypto;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Internal
{
    /// <summary>One certificate for New-AcmeCertificate: everything resolved and checked on the pipeline thread.</summary>
    internal sealed class IssueRequest
    {
        public AcmeSession Session { get; set; }
        public OrderIdentifiers Identifiers { get; set; }
        public string Name { get; set; }
        public PluginCommands Plugin { get; set; }
        public Hashtable PluginParameters { get; set; }
        public string ChallengeType { get; set; }
        public KeyType? KeyType { get; set; }
        public string PreferredChain { get; set; }
        /// <summary>-ReuseKey: true or false when given; null keeps what the name's earlier order recorded.</summary>
        public bool? ReuseKey { get; set; }
        public TimeSpan Timeout { get; set; }
        /// <summary>notBefore/notAfter, profile and replaces for the newOrder (renewal: the recorded ones).</summary>
        public NewOrderOptions OrderOptions { get; set; }
        /// <summary>-DnsServer: the servers the propagation check asks instead of the plugin's or the zone's.</summary>
        public string[] DnsServers { get; set; }
        public bool SkipPropagationCheck { get; set; }

        public string Target => Name ?? Identifiers.All[0];
    }

    /// <summary>
    /// The whole issuance of one certificate as background work: the engine's steps run on the thread pool, and
    /// each plugin call and each write goes to the pipeline thread through the host's pump. One request at a time
    /// (Run) or many at once (the bulk path) use this same code.
    /// </summary>
    internal static class CertificateIssuer
    {
        /// <summary>The completed order, or null when the CA refused a name (the errors are written then).</summary>
        public static async Task<OrderRecord> IssueAsync(AcmeCmdlet host, IssueRequest request, IProgress<AcmeProgress> progress, CancellationToken ct)
        {
            // One issuance per name at a time, across processes: a second one waits, then replaces the first's certificate.
            var session = request.Session;
            string name = Identifiers.ValidateOrderName(request.Name ?? Identifiers.DefaultOrderName(request.Identifiers.All));
            using (await Task.Run(() => session.Vault.LockOrder(session.Server.Id, session.RequireAccount().Id, name, request.Timeout, ct), ct).ConfigureAwait(false))
                return await IssueLockedAsync(host, request, progress, ct).ConfigureAwait(false);
        }

        private static async Task<OrderRecord> IssueLockedAsync(AcmeCmdlet host, IssueRequest request, IProgress<AcmeProgress> progress, CancellationToken ct)
        {
            var session = request.Session;
            var order = await OrderOperations.NewOrderAsync(session, request.Identifiers, request.Name, request.OrderOptions, ct).ConfigureAwait(false);
            if (request.ReuseKey.HasValue) order.ReuseKey = request.ReuseKey.Value;
            var challenges = (await OrderOperations.GetChallengesAsync(session, order, request.ChallengeType, ct).ConfigureAwait(false))
                .Select(AcmeChallenge.From).ToList();

            // Recorded before publishing: if the command is stopped (Ctrl+C) before Unpublish, the next command removes them.
            var journal = await host.OnPipelineThread(() =>
            {
                PublishGuard.ReplayAbandoned(host, session);
                return PublishGuard.Record(session, request.Plugin.Name, request.PluginParameters, challenges, ct);
            }).ConfigureAwait(false);
            IReadOnlyList<AuthorizationFailure> failures;
            try
            {
                failures = await PublishAndSubmitAsync(host, request, order, challenges, progress, ct).ConfigureAwait(false);
            }
            finally
            {
                await host.OnPipelineThread(() => PublishGuard.Done(host, session, journal)).ConfigureAwait(false);
            }
            if (failures.Count > 0)
            {
                await host.OnPipelineThread(() => ChallengeSubmitter.ReportFailures(host, failures)).ConfigureAwait(false);
                return null;
            }
            return await CertificateOperations.CompleteAsync(session, order, request.KeyType, null, request.Timeout, progress, ct, request.PreferredChain)
                .ConfigureAwait(false);
        }

        /// <summary>Publishes through the plugin, waits for the DNS, submits, and removes what was published whatever happens.</summary>
        private static async Task<IReadOnlyList<AuthorizationFailure>> PublishAndSubmitAsync(AcmeCmdlet host, IssueRequest request, OrderRecord order,
            IReadOnlyList<AcmeChallenge> challenges, IProgress<AcmeProgress> progress, CancellationToken ct)
        {
            var session = request.Session;
            var pluginErrors = new List<ErrorRecord>();
            var published = await host.OnPipelineThread(() => Publish(host, request, challenges, pluginErrors)).ConfigureAwait(false);
            bool incomplete = published.Count < challenges.Count;
            if (incomplete || pluginErrors.Count > 0)
                await host.OnPipelineThread(() =>
                {
                    // Clean up first: under -ErrorAction Stop the first error written ends the command.
                    if (incomplete) ChallengeSubmitter.Unpublish(host, published);
                    foreach (var error in pluginErrors) host.WriteError(error);
                }).ConfigureAwait(false);
            if (incomplete)
            {
                var missing = challenges.Select(c => c.Identifier).Except(published.Select(c => c.Identifier));
                throw new AcmeException("AcmePluginPublishFailed", AcmeErrorKind.InvalidOperation,
                    $"{request.Plugin.Publish.Name} did not publish the answers for {string.Join(", ", missing)}.") { Target = request.Target };
            }

            // Recorded before the CA is told: a renewal replays this publish with no user present.
            await host.OnPipelineThread(() => session.Vault.SavePluginSettings(order,
                PluginSettings.ToRecord(request.Plugin.Name, request.ChallengeType, request.PluginParameters))).ConfigureAwait(false);

            try
            {
                var pending = published.Select(c => c.ToPending()).ToList();
                await PublishGuard.WaitForPropagationAsync(host, pending, request.DnsServers, request.SkipPropagationCheck, request.Timeout, progress, ct)
                    .ConfigureAwait(false);
                return await SubmitOperations.SubmitAsync(session, order, pending, request.Timeout, progress, ct).ConfigureAwait(false);
            }
            finally
            {
                await host.OnPipelineThread(() => ChallengeSubmitter.Unpublish(host, published)).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Publishes through the plugin (pipeline thread). When the plugin fails outright (a throw, a binding error),
        /// whatever it may have published is removed: every challenge is handed to its Unpublish command.
        /// </summary>
        private static IReadOnlyList<AcmeChallenge> Publish(AcmeCmdlet host, IssueRequest request, IReadOnlyList<AcmeChallenge> challenges,
            List<ErrorRecord> errors)
        {
            try
            {
                return request.Plugin.PublishAll(host, challenges, request.PluginParameters, errors);
            }
            catch (Exception ex) when (!(ex is AcmeException) && !(ex is PipelineStoppedException) && !(ex is OperationCanceledException))
            {
                foreach (var c in challenges.Where(c => c.Status != "valid")) c.MarkPublished(request.Plugin.Name, request.PluginParameters);
                ChallengeSubmitter.Unpublish(host, challenges);
                foreach (var error in errors) host.WriteError(error);
                // A plugin error under -ErrorAction Stop ends the command as the user asked, once cleaned up.
                if (ex is ActionPreferenceStopException) throw;
                throw new AcmeException("AcmePluginPublishFailed", AcmeErrorKind.InvalidOperation,
                    $"{request.Plugin.Publish.Name} failed: {ex.Message}", ex) { Target = request.Plugin.Name };
            }
        }
    }
}
