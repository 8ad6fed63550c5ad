using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;

namespace AcmePS.Core.Dns
{
    /// <summary>What one server answered for a TXT query (after the CNAMEs it gave), or why it did not answer.</summary>
    public sealed class TxtAnswer
    {
        /// <summary>The name whose TXT values these are: the asked name, or where its CNAMEs lead.</summary>
        public string Name { get; set; }
        public IReadOnlyList<string> Values { get; set; } = new string[0];
        /// <summary>True when the answer ended at a CNAME target the server gave no TXT for (ask again for it).</summary>
        public bool Delegated { get; set; }
        /// <summary>A DNS error or a failure to get an answer; null when the server answered.</summary>
        public string Error { get; set; }
    }

    /// <summary>DNS queries through DnsClient, with no cache: the engine's only use of that library.</summary>
    internal static class DnsLookup
    {
        private static LookupClient Client(IPEndPoint server, bool recursion) =>
            new LookupClient(new LookupClientOptions(new NameServer(server.Address, server.Port))
            {
                UseCache = false,
                Recursion = recursion,
                Timeout = TimeSpan.FromSeconds(3),
                Retries = 1,
                UseTcpFallback = true,
                ThrowDnsErrors = false,
                ContinueOnDnsError = false,
                ContinueOnEmptyResponse = false,
            });

        /// <summary>The environment variable that names the resolver for finding zones ("host[:port]"); the system's by default.</summary>
        public const string ResolverVariable = "ACMEPS_DNS_RESOLVER";

        /// <summary>
        /// The resolver that finds a zone's name servers (SOA, NS, their addresses), never asked for the TXT values
        /// themselves: the one ACMEPS_DNS_RESOLVER names, else the system's.
        /// </summary>
        private static async Task<LookupClient> ResolverAsync()
        {
            string named = Environment.GetEnvironmentVariable(ResolverVariable);
            if (string.IsNullOrWhiteSpace(named))
                return new LookupClient(new LookupClientOptions { UseCache = false, Timeout = TimeSpan.FromSeconds(5), Retries = 1, ThrowDnsErrors = false });
            var endpoint = await DnsServerAddress.Parse(named).ResolveAsync().ConfigureAwait(false);
            return new LookupClient(new LookupClientOptions(new NameServer(endpoint.Address, endpoint.Port))
                { UseCache = false, Timeout = TimeSpan.FromSeconds(5), Retries = 1, ThrowDnsErrors = false });
        }

        public static string Absolute(string name) => DnsWire.Canonical(name) + ".";

        private static bool Same(DnsString a, string b) => string.Equals(DnsWire.Canonical(a.Value), DnsWire.Canonical(b), StringComparison.Ordinal);

        /// <summary>Asks one server (non-recursively) for the TXT values at <paramref name="name"/>, following CNAMEs in its answer.</summary>
        public static async Task<TxtAnswer> TxtAsync(IPEndPoint server, string name, CancellationToken ct)
        {
            var answer = new TxtAnswer { Name = DnsWire.Canonical(name) };
            IDnsQueryResponse response;
            try
            {
                response = await Client(server, false).QueryAsync(Absolute(name), QueryType.TXT, QueryClass.IN, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                answer.Error = ex.Message; // a timeout, a refused port, an unreachable network: asked again at the next poll
                return answer;
            }
            var code = response.Header.ResponseCode;
            if (code != DnsHeaderResponseCode.NoError && code != DnsHeaderResponseCode.NotExistentDomain)
            {
                answer.Error = code.ToString();
                return answer;
            }
            for (int hops = 0; hops < 16; hops++)
            {
                var cname = response.Answers.CnameRecords().FirstOrDefault(c => Same(c.DomainName, answer.Name));
                if (cname == null) break;
                answer.Name = DnsWire.Canonical(cname.CanonicalName.Value);
            }
            answer.Values = response.Answers.TxtRecords().Where(t => Same(t.DomainName, answer.Name))
                .Select(t => string.Concat(t.Text)).ToList();
            answer.Delegated = answer.Values.Count == 0 && answer.Name != DnsWire.Canonical(name);
            return answer;
        }

        /// <summary>
        /// The CNAME target of <paramref name="name"/>, asked recursively of <paramref name="server"/> (null: the
        /// resolver): "" when the answer has no CNAME for it, null when no server gave an answer.
        /// </summary>
        public static async Task<string> CnameAsync(IPEndPoint server, string name, CancellationToken ct)
        {
            IDnsQueryResponse response;
            try
            {
                var client = server == null ? await ResolverAsync().ConfigureAwait(false) : Client(server, true);
                response = await client.QueryAsync(Absolute(name), QueryType.CNAME, QueryClass.IN, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                return null; // a timeout, a refused port, no resolver configured
            }
            var code = response.Header.ResponseCode;
            if (code != DnsHeaderResponseCode.NoError && code != DnsHeaderResponseCode.NotExistentDomain) return null;
            var cname = response.Answers.CnameRecords().FirstOrDefault(c => Same(c.DomainName, name));
            return cname == null ? "" : DnsWire.Canonical(cname.CanonicalName.Value);
        }

        /// <summary>The zone that holds <paramref name="name"/>, from the SOA a server gives for it; null when none.</summary>
        public static async Task<string> ZoneOfAsync(IPEndPoint server, string name, CancellationToken ct)
        {
            var client = server == null ? await ResolverAsync().ConfigureAwait(false) : Client(server, false);
            // A name that is a CNAME answers with the CNAME and no SOA: its parent is in the same zone.
            for (string current = DnsWire.Canonical(name); current.Length > 0; current = current.IndexOf('.') < 0 ? "" : current.Substring(current.IndexOf('.') + 1))
            {
                var response = await client.QueryAsync(Absolute(current), QueryType.SOA, QueryClass.IN, ct).ConfigureAwait(false);
                var soa = response.Answers.SoaRecords().Concat(response.Authorities.SoaRecords()).FirstOrDefault();
                if (soa != null) return DnsWire.Canonical(soa.DomainName.Value);
                if (!response.Answers.CnameRecords().Any()) return null;
            }
            return null;
        }

        /// <summary>A zone's name servers, through the resolver, each with its first address (IPv4 first), port 53.</summary>
        public static async Task<IReadOnlyList<KeyValuePair<string, IPEndPoint>>> NameServersAsync(string zone, CancellationToken ct)
        {
            var resolver = await ResolverAsync().ConfigureAwait(false);
            var response = await resolver.QueryAsync(Absolute(zone), QueryType.NS, QueryClass.IN, ct).ConfigureAwait(false);
            var result = new List<KeyValuePair<string, IPEndPoint>>();
            foreach (var ns in response.Answers.NsRecords().Select(n => DnsWire.Canonical(n.NSDName.Value)).Distinct())
            {
                IPAddress address = null;
                foreach (var type in new[] { QueryType.A, QueryType.AAAA })
                {
                    var a = await resolver.QueryAsync(Absolute(ns), type, QueryClass.IN, ct).ConfigureAwait(false);
                    address = a.Answers.ARecords().Select(r => r.Address).Concat(a.Answers.AaaaRecords().Select(r => r.Address)).FirstOrDefault();
                    if (address != null) break;
                }
                if (address != null) result.Add(new KeyValuePair<string, IPEndPoint>(ns, new IPEndPoint(address, 53)));
            }
            return result;
        }
    }
}
