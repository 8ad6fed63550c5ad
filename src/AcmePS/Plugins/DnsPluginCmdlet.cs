using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>
    /// The base of the built-in DNS-provider plugins. It collects the challenges of the pipeline and, at the end,
    /// publishes (or removes) the dns-01 values grouped by record name: a name and its wildcard share one record name,
    /// so their two values go into one TXT RRset together, and Unpublish removes only the values it is given.
    /// </summary>
    public abstract class DnsPluginCmdlet : AcmePluginCmdlet
    {
        private readonly List<AcmeChallenge> _challenges = new List<AcmeChallenge>();

        /// <summary>Publish (true) or Unpublish (false).</summary>
        protected abstract bool Publishing { get; }

        /// <summary>The provider's name for messages.</summary>
        protected abstract string ProviderName { get; }

        /// <summary>Adds (or removes) the values of each record name. Called once, with every group.</summary>
        protected abstract Task ApplyAsync(IReadOnlyDictionary<string, IReadOnlyCollection<string>> records, CancellationToken ct);

        protected override void ProcessRecord()
        {
            foreach (var challenge in Challenge ?? new AcmeChallenge[0])
            {
                if (challenge == null) continue;
                if (Publishing && challenge.Status == "valid")
                {
                    WriteObject(challenge); // already validated: nothing to publish
                    continue;
                }
                if (!string.Equals(challenge.Type, "dns-01", StringComparison.OrdinalIgnoreCase))
                {
                    WriteAcmeError(new AcmeException("AcmePluginChallengeTypeUnsupported", AcmeErrorKind.InvalidArgument,
                        $"The {ProviderName} plugin publishes dns-01 answers, not {challenge.Type}.") { Target = challenge.Identifier }, challenge);
                    continue;
                }
                _challenges.Add(challenge);
            }
        }

        protected override void EndProcessing()
        {
            if (_challenges.Count == 0) return;
            var groups = _challenges.GroupBy(c => c.RecordName.TrimEnd('.').ToLowerInvariant()).ToList();
            var records = groups.ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)g.Select(c => c.RecordValue).Distinct().ToList());
            try
            {
                Run(ct => ApplyAsync(records, ct));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                foreach (var challenge in _challenges) WriteAcmeError(ex, challenge);
                return;
            }
            System.Collections.Hashtable parameters = null;
            string plugin = null;
            foreach (var group in groups)
            {
                WriteVerbose($"{(Publishing ? "Published" : "Removed")} {group.Count()} TXT value(s) of {group.Key} ({string.Join(", ", group.Select(c => c.Identifier))}) at {ProviderName}.");
                if (!Publishing) continue;
                foreach (var challenge in group)
                {
                    // One parameter table for all: Submit-AcmeChallenge then removes them in one Unpublish call.
                    if (parameters == null)
                    {
                        challenge.MarkPublished(this);
                        (plugin, parameters) = (challenge.PublishedBy, challenge.PluginParameters);
                    }
                    else challenge.MarkPublished(plugin, parameters);
                    WriteObject(challenge);
                }
            }
        }
    }
}
