using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using AcmePS.Core;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Internal
{
    /// <summary>
    /// Submits the challenges of one order and always removes what plugins published, whatever the outcome. Shared by
    /// Submit-AcmeChallenge and New-AcmeCertificate.
    /// </summary>
    internal static class ChallengeSubmitter
    {
        /// <summary>Returns the order when every authorization is valid; otherwise writes one error per failed name and returns null.</summary>
        public static OrderRecord Submit(AcmeCmdlet cmdlet, AcmeSession session, OrderRecord order, IReadOnlyList<AcmeChallenge> challenges, TimeSpan timeout,
            IReadOnlyList<string> dnsServers = null, bool skipPropagationCheck = false)
        {
            PublishGuard.ReplayAbandoned(cmdlet, session);
            var journal = PublishGuard.Record(session, challenges);
            try
            {
                RecordPluginSettings(session, order, challenges);
                var pending = challenges.Select(c => c.ToPending()).ToList();
                cmdlet.Run(ct => PublishGuard.WaitForPropagationAsync(cmdlet, pending, dnsServers, skipPropagationCheck, timeout, cmdlet.Progress, ct));
                IReadOnlyList<AuthorizationFailure> failures;
                using (session.Vault.LockOrder(session.Server.Id, order.AccountId, order.Name, timeout, cmdlet.CancellationToken))
                    failures = cmdlet.Run(ct => SubmitOperations.SubmitAsync(session, order, pending, timeout, cmdlet.Progress, ct));
                ReportFailures(cmdlet, failures);
                return failures.Count == 0 ? order : null;
            }
            finally
            {
                try
                {
                    Unpublish(cmdlet, challenges);
                }
                finally
                {
                    PublishGuard.Done(cmdlet, session, journal);
                }
            }
        }

        /// <summary>
        /// Records on the order the plugin that published its challenges and its parameters, for renewals. With no
        /// plugin (answers published by hand) nothing is recorded; with several, the one that published the most.
        /// </summary>
        private static void RecordPluginSettings(AcmeSession session, OrderRecord order, IReadOnlyList<AcmeChallenge> challenges)
        {
            var main = challenges.Where(c => !string.IsNullOrEmpty(c.PublishedBy))
                .GroupBy(c => c.PublishedBy, StringComparer.OrdinalIgnoreCase).OrderByDescending(g => g.Count()).FirstOrDefault();
            if (main == null) return;
            var first = main.First();
            session.Vault.SavePluginSettings(order, PluginSettings.ToRecord(first.PublishedBy, first.Type, first.PluginParameters));
        }

        /// <summary>One AcmeAuthorizationInvalid error per name the CA did not validate, with its reason.</summary>
        public static void ReportFailures(AcmeCmdlet cmdlet, IEnumerable<AuthorizationFailure> failures)
        {
            foreach (var failure in failures)
                cmdlet.WriteAcmeError(new AcmeException("AcmeAuthorizationInvalid", AcmeErrorKind.PermissionDenied, failure.Describe()) { Target = failure.Identifier });
        }

        /// <summary>Calls each plugin's Unpublish command with the parameters its Publish command had.</summary>
        public static void Unpublish(AcmeCmdlet cmdlet, IEnumerable<AcmeChallenge> challenges)
        {
            // An already-valid challenge had nothing published for it.
            foreach (var group in challenges.Where(c => !string.IsNullOrEmpty(c.PublishedBy) && c.Status != "valid")
                         .GroupBy(c => c.PublishedBy, StringComparer.OrdinalIgnoreCase))
            {
                // One Unpublish call per set of equal parameters: a script plugin marks each challenge with a table of
                // its own, and the values in them are the same objects.
                foreach (var sameParameters in group.GroupBy(c => c.PluginParameters ?? new Hashtable(), SameParameters.Instance))
                {
                    var list = sameParameters.ToList();
                    var parameters = list[0].PluginParameters ?? new Hashtable();
                    try
                    {
                        PluginCommands.Resolve(cmdlet, group.Key).UnpublishAll(cmdlet, list, parameters);
                        foreach (var c in list)
                        {
                            c.PublishedBy = null;
                            c.Unpublished = true;
                        }
                    }
                    catch (AcmeException ex)
                    {
                        cmdlet.WriteAcmeError(ex);
                    }
                    catch (Exception ex) when (AcmeCmdlet.IsReportable(ex))
                    {
                        cmdlet.WriteAcmeError(new AcmeException("AcmePluginUnpublishFailed", AcmeErrorKind.InvalidOperation,
                            $"The {group.Key} plugin could not remove the published answers for {string.Join(", ", list.Select(c => c.Identifier))}: {ex.Message}", ex)
                            { Target = group.Key });
                    }
                }
            }
        }
    }

    /// <summary>Tables with the same keys (any case) and the same values: primitives and strings by value, others by identity.</summary>
    internal sealed class SameParameters : IEqualityComparer<Hashtable>
    {
        public static readonly SameParameters Instance = new SameParameters();

        public bool Equals(Hashtable x, Hashtable y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x == null || y == null || x.Count != y.Count) return false;
            foreach (DictionaryEntry entry in x)
            {
                var key = y.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), entry.Key.ToString(), StringComparison.OrdinalIgnoreCase));
                if (key == null || !Same(entry.Value, y[key])) return false;
            }
            return true;
        }

        public int GetHashCode(Hashtable table) =>
            table.Keys.Cast<object>().Aggregate(table.Count, (h, k) => h ^ StringComparer.OrdinalIgnoreCase.GetHashCode(k.ToString()));

        private static bool Same(object a, object b)
        {
            if (a is System.Management.Automation.PSObject pa) a = pa.BaseObject;
            if (b is System.Management.Automation.PSObject pb) b = pb.BaseObject;
            if (a == null || b == null) return a == b;
            return a is string || a.GetType().IsPrimitive || a is Uri ? a.Equals(b) : ReferenceEquals(a, b);
        }
    }
}
