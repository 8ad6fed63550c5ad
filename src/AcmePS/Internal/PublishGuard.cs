using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core;
using AcmePS.Core.Dns;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Internal
{
    /// <summary>
    /// What surrounds a publish: the journal that lets a later command remove records a stopped command (Ctrl+C)
    /// left behind, and the propagation check before the challenges are submitted. Used by New-AcmeCertificate and
    /// Submit-AcmeChallenge; everything here runs on the pipeline thread except <see cref="WaitForPropagationAsync"/>.
    /// </summary>
    internal static class PublishGuard
    {
        /// <summary>The cleanup records of one command and the challenges they cover.</summary>
        internal sealed class Entries
        {
            public List<string> Ids { get; } = new List<string>();
            public List<AcmeChallenge> Challenges { get; } = new List<AcmeChallenge>();
        }

        /// <summary>Records what is about to be published (or was, by the user's pipeline), one entry per plugin and parameter set.</summary>
        public static Entries Record(AcmeSession session, string plugin, Hashtable parameters, IEnumerable<AcmeChallenge> challenges,
            CancellationToken stop = default(CancellationToken), Entries into = null)
        {
            var entries = into ?? new Entries();
            var list = challenges.Where(c => c.Status != "valid").ToList();
            if (list.Count == 0 || session.Account == null) return entries;
            var settings = PluginSettings.ToRecord(plugin, list[0].Type, parameters);
            entries.Ids.Add(UnpublishJournal.Record(session.Vault, session.Server.Id, session.Account.Id, settings, list.Select(c => c.ToPending()), stop));
            entries.Challenges.AddRange(list);
            return entries;
        }

        /// <summary>For challenges published by the user's pipeline: one entry per plugin and parameter set.</summary>
        public static Entries Record(AcmeSession session, IEnumerable<AcmeChallenge> challenges)
        {
            var entries = new Entries();
            foreach (var g in challenges.Where(c => !string.IsNullOrEmpty(c.PublishedBy)).GroupBy(c => (c.PublishedBy, c.PluginParameters)))
                Record(session, g.Key.PublishedBy, g.Key.PluginParameters, g, default(CancellationToken), entries);
            return entries;
        }

        /// <summary>
        /// The command is over: the entries are deleted, unless the pipeline is stopping (Ctrl+C) and Unpublish did not
        /// run for every challenge; then they stay for the next command.
        /// </summary>
        public static void Done(AcmeCmdlet cmdlet, AcmeSession session, Entries entries)
        {
            if (entries == null) return;
            bool cleanedUp = !cmdlet.Stopping || entries.Challenges.All(c => c.Unpublished);
            foreach (var id in entries.Ids)
                UnpublishJournal.Done(session.Vault, session.Server.Id, session.Account.Id, id, cleanedUp);
        }

        /// <summary>Removes what stopped commands of this account left published, through their plugins' Unpublish commands.</summary>
        public static void ReplayAbandoned(AcmeCmdlet cmdlet, AcmeSession session)
        {
            if (session.Account == null) return;
            foreach (var entry in UnpublishJournal.Abandoned(session.Vault, session.Server.Id, session.Account.Id))
            {
                var names = string.Join(", ", entry.Challenges.Select(c => c.Identifier));
                try
                {
                    PluginCommands.Resolve(cmdlet, entry.Settings.Plugin);
                }
                catch (AcmeException)
                {
                    cmdlet.WriteWarning($"A stopped command left answers for {names} published by the {entry.Settings.Plugin} plugin, which is not loaded: "
                        + "import its module and they are removed by the next command that uses plugins.");
                    continue;
                }
                var parameters = PluginSettings.ToHashtable(entry.Settings);
                var challenges = entry.Challenges.Select(AcmeChallenge.From).Select(c => c.MarkPublished(entry.Settings.Plugin, parameters)).ToList();
                cmdlet.WriteVerbose($"Removing the answers for {names} that the {entry.Settings.Plugin} plugin published in a command stopped before it could remove them.");
                ChallengeSubmitter.Unpublish(cmdlet, challenges);
                UnpublishJournal.Remove(session.Vault, entry);
            }
        }

        /// <summary>The propagation check (background work); its warnings are written on the pipeline thread.</summary>
        public static async Task WaitForPropagationAsync(AcmeCmdlet cmdlet, IReadOnlyList<PendingChallenge> challenges, IReadOnlyList<string> dnsServers,
            bool skip, TimeSpan timeout, IProgress<AcmeProgress> progress, CancellationToken ct)
        {
            if (skip || !challenges.Any(c => c.Type == "dns-01")) return;
            var warnings = await DnsPropagation.WaitAsync(challenges, dnsServers, timeout, progress, ct).ConfigureAwait(false);
            if (warnings.Count > 0) await cmdlet.OnPipelineThread(() => { foreach (var w in warnings) cmdlet.WriteWarning(w); }).ConfigureAwait(false);
        }
    }
}
