using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Challenges;
using AcmePS.Core.Http;
using AcmePS.Core.Util;
using AcmePS.Core.Workflow;

namespace AcmePS.Core.Dns
{
    /// <summary>
    /// The propagation check: before dns-01 challenges are submitted, polls the DNS servers that answer for each
    /// record name until every one of them serves every expected TXT value. The servers are, in this order: those the
    /// user named (-DnsServer), those the plugin says it published to (the challenge's DnsServers), or the zone's
    /// authoritative name servers (SOA, then NS). CNAMEs on the record name are followed.
    /// </summary>
    public static class DnsPropagation
    {
        /// <summary>Names under these top-level domains (RFC 2606, RFC 6761) never exist in public DNS: with no server to ask, they are not checked.</summary>
        private static readonly string[] ReservedTopLevel = { "test", "example", "invalid", "localhost" };
        private static readonly string[] ReservedSecondLevel = { "example.com", "example.net", "example.org" };

        /// <summary>
        /// Whether a name is under a domain reserved for tests and documentation (RFC 2606, RFC 6761): .test, .example,
        /// .invalid, .localhost, example.com, example.net and example.org. No public CA issues for them, and their
        /// public servers never hold a record of ours: such a name is checked only against servers given by name.
        /// </summary>
        internal static bool IsReservedName(string name)
        {
            var labels = (name ?? "").TrimEnd('.').ToLowerInvariant().Split('.');
            if (ReservedTopLevel.Contains(labels.Last())) return true;
            return labels.Length >= 2 && ReservedSecondLevel.Contains(labels[labels.Length - 2] + "." + labels[labels.Length - 1]);
        }

        internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

        private sealed class Server
        {
            public string Label;
            public IPEndPoint EndPoint;
            public bool Done;
            public string Seen;
        }

        private sealed class Target
        {
            public string RecordName;
            public string Name;
            public List<string> Expected;
            public List<Server> Servers = new List<Server>();
            public bool Discovered;
        }

        /// <summary>
        /// Waits until the records are served everywhere; throws AcmeDnsPropagationTimeout after <paramref name="timeout"/>.
        /// Returns warnings (names whose servers could not be found, which are then not checked).
        /// </summary>
        public static async Task<IReadOnlyList<string>> WaitAsync(IReadOnlyList<PendingChallenge> challenges, IReadOnlyList<string> dnsServers,
            TimeSpan timeout, IProgress<AcmeProgress> progress, CancellationToken ct, IClock clock = null)
        {
            clock = clock ?? SystemClock.Instance;
            var warnings = new List<string>();
            var targets = new List<Target>();
            var dns = challenges.Where(c => c.Type == ChallengeAnswers.Dns01 && c.Status != "valid" && !string.IsNullOrEmpty(c.RecordName))
                .GroupBy(c => DnsWire.Canonical(c.RecordName)).ToList();
            foreach (var group in dns)
            {
                var target = new Target { RecordName = group.Key, Name = group.Key, Expected = group.Select(c => c.RecordValue).Distinct().ToList() };
                var named = dnsServers != null && dnsServers.Count > 0 ? dnsServers : group.SelectMany(c => c.DnsServers ?? new string[0]).Distinct().ToList();
                if (named.Count > 0)
                {
                    foreach (var text in named.Distinct(StringComparer.OrdinalIgnoreCase))
                        target.Servers.Add(new Server { Label = text, EndPoint = await DnsServerAddress.Parse(text).ResolveAsync().ConfigureAwait(false) });
                }
                else if (IsReservedName(target.Name))
                {
                    AcmeTrace.Write($"DNS: {target.Name} is under a domain reserved for tests and documentation and no DNS server was given: its propagation is not checked.");
                    continue;
                }
                else
                {
                    target.Discovered = true;
                    string problem = await DiscoverAsync(target, ct).ConfigureAwait(false);
                    if (problem != null)
                    {
                        warnings.Add($"The propagation of {target.Name} is not checked: {problem}");
                        continue;
                    }
                }
                targets.Add(target);
            }
            if (targets.Count == 0) return warnings;

            string activity = "Waiting for the DNS records to propagate";
            var deadline = clock.UtcNow + timeout;
            while (true)
            {
                foreach (var target in targets)
                    await PollAsync(target, ct).ConfigureAwait(false);
                var all = targets.SelectMany(t => t.Servers).ToList();
                int done = all.Count(s => s.Done);
                progress?.Report(new AcmeProgress(activity, $"{done} of {all.Count} server answers have every TXT value", 100 * done / Math.Max(1, all.Count)));
                if (done == all.Count)
                {
                    progress?.Report(new AcmeProgress(activity, "done", 100) { Completed = true });
                    return warnings;
                }
                var left = deadline - clock.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    progress?.Report(new AcmeProgress(activity, "timed out", 100) { Completed = true });
                    throw Timeout(targets, timeout);
                }
                await clock.Delay(left < PollInterval ? left : PollInterval, ct).ConfigureAwait(false);
            }
        }

        private static async Task PollAsync(Target target, CancellationToken ct)
        {
            // Every server at once: a server that does not answer costs its timeout once per poll, not once per server.
            var servers = target.Servers.Where(s => !s.Done).ToList();
            var answers = await Task.WhenAll(servers.Select(s => AskAsync(target, s, ct))).ConfigureAwait(false);
            var delegated = answers.FirstOrDefault(a => a.Delegated);
            if (delegated != null && target.Discovered)
            {
                // A CNAME to another zone: its own name servers have the values.
                AcmeTrace.Write($"DNS: {target.Name} is a CNAME to {delegated.Name}; asking that zone's name servers.");
                target.Name = delegated.Name;
                string problem = await DiscoverAsync(target, ct).ConfigureAwait(false);
                if (problem != null) throw new AcmeException("AcmeDnsZoneNotFound", AcmeErrorKind.NotFound,
                    $"{target.RecordName} is a CNAME to {delegated.Name}, whose name servers could not be found: {problem}") { Target = target.RecordName };
                return;
            }
            for (int i = 0; i < servers.Count; i++)
            {
                var server = servers[i];
                var answer = answers[i];
                string where = answer.Name == target.RecordName ? answer.Name : $"{answer.Name} (CNAME of {target.RecordName})";
                string seen = answer.Error != null ? $"failed to answer for {where} ({answer.Error})"
                    : answer.Values.Count == 0 ? $"has no TXT record at {where}"
                    : $"serves {string.Join(", ", answer.Values.Select(v => "'" + v + "'"))} at {where}";
                if (seen != server.Seen) AcmeTrace.Write($"DNS: {server.Label} {seen}.");
                server.Seen = seen;
                server.Done = answer.Error == null && target.Expected.All(answer.Values.Contains);
            }
        }

        /// <summary>One server's answer; with servers the user or the plugin named, CNAME targets are asked of the same server.</summary>
        private static async Task<TxtAnswer> AskAsync(Target target, Server server, CancellationToken ct)
        {
            var answer = await DnsLookup.TxtAsync(server.EndPoint, target.Name, ct).ConfigureAwait(false);
            for (int hops = 0; answer.Delegated && !target.Discovered && hops < 8; hops++)
                answer = await DnsLookup.TxtAsync(server.EndPoint, answer.Name, ct).ConfigureAwait(false);
            return answer;
        }

        /// <summary>The authoritative name servers of the zone that holds the target's name; a reason when there are none.</summary>
        private static async Task<string> DiscoverAsync(Target target, CancellationToken ct)
        {
            try
            {
                string zone = await DnsLookup.ZoneOfAsync(null, target.Name, ct).ConfigureAwait(false);
                if (zone == null) return $"no zone (SOA) was found for it through this computer's DNS resolver; pass -DnsServer to name the servers to check.";
                var servers = await DnsLookup.NameServersAsync(zone, ct).ConfigureAwait(false);
                if (servers.Count == 0) return $"the name servers (NS) of its zone {zone} could not be found; pass -DnsServer to name the servers to check.";
                target.Servers = servers.Select(s => new Server { Label = $"{s.Key} ({s.Value})", EndPoint = s.Value }).ToList();
                AcmeTrace.Write($"DNS: the zone of {target.Name} is {zone}, served by {string.Join(", ", target.Servers.Select(s => s.Label))}.");
                return null;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                return $"{ex.Message}; pass -DnsServer to name the servers to check.";
            }
        }

        private static AcmeException Timeout(IEnumerable<Target> targets, TimeSpan timeout)
        {
            var lines = targets.SelectMany(t => t.Servers.Where(s => !s.Done).Select(s =>
                $"{s.Label} {s.Seen ?? "did not answer"} (expected {string.Join(", ", t.Expected.Select(v => "'" + v + "'"))})")).ToList();
            return new AcmeException("AcmeDnsPropagationTimeout", AcmeErrorKind.OperationTimeout,
                $"The TXT records were not served by every DNS server within {timeout.TotalSeconds:0} s, so the challenges were not submitted: "
                + string.Join("; ", lines) + ".") { Target = targets.First().RecordName };
        }
    }
}
