using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;
using AcmePS.Core.Util;

namespace AcmePS.Core.Dns.Providers.Route53
{
    /// <summary>
    /// TXT record sets through the Route53 API (2013-04-01), signed with SigV4. A record set is read first and
    /// UPSERTed with every value it must hold (Route53 replaces the whole set); the last value goes with a DELETE of
    /// the exact set. All the changes of one call to one zone go in one change batch, then GetChange is polled until
    /// the change is INSYNC on Route53's name servers.
    /// </summary>
    public sealed class Route53DnsProvider : IDnsTxtProvider
    {
        public static readonly Uri DefaultEndpoint = new Uri("https://route53.amazonaws.com/");
        private static readonly XNamespace Ns = "https://route53.amazonaws.com/doc/2013-04-01/";
        private const string Name = "Route53";
        private readonly AwsCredentialSource _credentials;
        private readonly Uri _endpoint;
        private readonly string _region;
        private readonly string _hostedZoneId;
        private readonly IRestTransport _transport;
        private readonly IClock _clock;
        private readonly Dictionary<string, string> _zones = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public Route53DnsProvider(AwsCredentialSource credentials, string hostedZoneId = null, Uri endpoint = null, string region = null,
            IRestTransport transport = null, IClock clock = null)
        {
            _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
            string env = Environment.GetEnvironmentVariable("ACMEPS_ROUTE53_ENDPOINT");
            string e = (endpoint ?? (string.IsNullOrEmpty(env) ? DefaultEndpoint : new Uri(env))).AbsoluteUri;
            _endpoint = new Uri(e.EndsWith("/") ? e : e + "/");
            _region = string.IsNullOrEmpty(region) ? "us-east-1" : region;
            _hostedZoneId = string.IsNullOrEmpty(hostedZoneId) ? null : hostedZoneId.Replace("/hostedzone/", "");
            _transport = transport ?? HttpRestTransport.Instance;
            _clock = clock ?? SystemClock.Instance;
        }

        public int Ttl { get; set; } = 60;

        /// <summary>How long to wait for INSYNC.</summary>
        public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromMinutes(5);

        public Task AddAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken ct) =>
            ChangeAsync(new Dictionary<string, IReadOnlyCollection<string>> { [recordName] = values }, true, ct);

        public Task RemoveAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken ct) =>
            ChangeAsync(new Dictionary<string, IReadOnlyCollection<string>> { [recordName] = values }, false, ct);

        /// <summary>Adds or removes values of several record names: one change batch per zone, then waits for INSYNC.</summary>
        public async Task ChangeAsync(IReadOnlyDictionary<string, IReadOnlyCollection<string>> records, bool add, CancellationToken ct)
        {
            var byZone = new Dictionary<string, List<XElement>>();
            foreach (var record in records)
            {
                string zone = await ZoneIdAsync(record.Key, ct).ConfigureAwait(false);
                var (ttl, existing) = await ReadAsync(zone, record.Key, ct).ConfigureAwait(false);
                var wanted = add ? existing.Union(record.Value).ToList() : existing.Where(v => !record.Value.Contains(v)).ToList();
                if (wanted.Count == existing.Count && !wanted.Except(existing).Any()) continue;
                if (!byZone.TryGetValue(zone, out var changes)) byZone[zone] = changes = new List<XElement>();
                changes.Add(wanted.Count == 0 ? Change("DELETE", record.Key, ttl ?? Ttl, existing) : Change("UPSERT", record.Key, ttl ?? Ttl, wanted));
            }
            var pending = new List<string>();
            foreach (var zone in byZone)
            {
                var body = new XDocument(new XElement(Ns + "ChangeResourceRecordSetsRequest",
                    new XElement(Ns + "ChangeBatch", new XElement(Ns + "Comment", "AcmePS dns-01"), new XElement(Ns + "Changes", zone.Value))));
                var answer = await CallAsync("POST", $"2013-04-01/hostedzone/{zone.Key}/rrset/", null, body.ToString(SaveOptions.DisableFormatting),
                    "change the TXT records", ct).ConfigureAwait(false);
                var info = answer.Descendants(Ns + "ChangeInfo").FirstOrDefault();
                if ((string)info?.Element(Ns + "Status") != "INSYNC") pending.Add(((string)info?.Element(Ns + "Id") ?? "").Replace("/change/", ""));
            }
            foreach (string change in pending.Where(c => c.Length > 0)) await WaitInSyncAsync(change, ct).ConfigureAwait(false);
        }

        private static XElement Change(string action, string name, int ttl, IEnumerable<string> values) =>
            new XElement(Ns + "Change",
                new XElement(Ns + "Action", action),
                new XElement(Ns + "ResourceRecordSet",
                    new XElement(Ns + "Name", DnsNames.Normalize(name) + "."),
                    new XElement(Ns + "Type", "TXT"),
                    new XElement(Ns + "TTL", ttl),
                    new XElement(Ns + "ResourceRecords", values.Select(v => new XElement(Ns + "ResourceRecord", new XElement(Ns + "Value", Quote(v)))))));

        /// <summary>A TXT value as Route53 wants it: in double quotes, with \ and " escaped.</summary>
        public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        public static string Unquote(string value)
        {
            if (value == null || value.Length < 2 || value[0] != '"') return value;
            // "a" "b" (strings of one record) join into one value
            var sb = new StringBuilder();
            bool inside = false;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '"') { inside = !inside; continue; }
                if (!inside) continue;
                if (c == '\\' && i + 1 < value.Length) c = value[++i];
                sb.Append(c);
            }
            return sb.ToString();
        }

        private async Task<(int?, List<string>)> ReadAsync(string zone, string recordName, CancellationToken ct)
        {
            string fqdn = DnsNames.Normalize(recordName) + ".";
            var xml = await CallAsync("GET", $"2013-04-01/hostedzone/{zone}/rrset", $"maxitems=1&name={Uri.EscapeDataString(fqdn)}&type=TXT", null,
                $"read the TXT records of {recordName}", ct).ConfigureAwait(false);
            var set = xml.Descendants(Ns + "ResourceRecordSet").FirstOrDefault(s =>
                string.Equals(DnsNames.Normalize(Route53Name((string)s.Element(Ns + "Name"))), DnsNames.Normalize(recordName), StringComparison.Ordinal)
                && (string)s.Element(Ns + "Type") == "TXT");
            if (set == null) return (null, new List<string>());
            return ((int?)set.Element(Ns + "TTL"), set.Descendants(Ns + "Value").Select(v => Unquote(v.Value)).ToList());
        }

        /// <summary>Route53 writes some characters of names as \ooo (octal); '*' as \052.</summary>
        private static string Route53Name(string name) => name?.Replace("\\052", "*");

        private async Task<string> ZoneIdAsync(string recordName, CancellationToken ct)
        {
            if (_hostedZoneId != null) return _hostedZoneId;
            foreach (string candidate in DnsNames.ParentZones(recordName))
            {
                if (_zones.TryGetValue(candidate, out string cached)) return cached;
                var xml = await CallAsync("GET", "2013-04-01/hostedzonesbyname", $"dnsname={Uri.EscapeDataString(candidate)}&maxitems=10", null,
                    $"look up the hosted zone {candidate}", ct).ConfigureAwait(false);
                var zone = xml.Descendants(Ns + "HostedZone").FirstOrDefault(z =>
                    DnsNames.Normalize((string)z.Element(Ns + "Name")) == candidate
                    && !string.Equals((string)z.Element(Ns + "Config")?.Element(Ns + "PrivateZone"), "true", StringComparison.OrdinalIgnoreCase));
                if (zone != null) return _zones[candidate] = ((string)zone.Element(Ns + "Id")).Replace("/hostedzone/", "");
            }
            throw ProviderErrors.ZoneNotFound(Name, recordName, "among the public hosted zones these credentials can list (or give -HostedZoneId)");
        }

        private async Task WaitInSyncAsync(string change, CancellationToken ct)
        {
            var deadline = _clock.UtcNow + SyncTimeout;
            var delay = TimeSpan.FromSeconds(1);
            while (true)
            {
                await _clock.Delay(delay, ct).ConfigureAwait(false);
                var xml = await CallAsync("GET", $"2013-04-01/change/{change}", null, null, "check the change", ct).ConfigureAwait(false);
                if ((string)xml.Descendants(Ns + "Status").FirstOrDefault() == "INSYNC") return;
                if (_clock.UtcNow > deadline)
                    throw new AcmeException("AcmePluginTimeout", AcmeErrorKind.OperationTimeout,
                        $"Route53 change {change} was not INSYNC after {SyncTimeout.TotalSeconds:0} s.") { Target = change };
                delay = TimeSpan.FromSeconds(Math.Min(10, delay.TotalSeconds * 2));
            }
        }

        private async Task<XDocument> CallAsync(string method, string path, string query, string body, string what, CancellationToken ct)
        {
            var credentials = await _credentials.GetAsync(ct).ConfigureAwait(false);
            var url = new Uri(_endpoint, path + (query == null ? "" : "?" + query));
            var request = new RestRequest(method, url) { Body = body, ContentType = body == null ? null : "application/xml" };
            var now = _clock.UtcNow;
            var headers = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("host", url.IsDefaultPort ? url.Host : url.Host + ":" + url.Port),
                new KeyValuePair<string, string>("x-amz-date", SigV4.AmzDate(now)),
            };
            if (credentials.SessionToken != null) headers.Add(new KeyValuePair<string, string>("x-amz-security-token", credentials.SessionToken));
            foreach (var h in headers.Skip(1)) request.Headers[h.Key] = h.Value;
            request.Headers["Authorization"] = SigV4.Authorization(credentials, _region, "route53", now, method,
                Uri.UnescapeDataString(url.AbsolutePath), query, headers, Encoding.UTF8.GetBytes(body ?? ""));
            var response = await _transport.SendAsync(request, ct).ConfigureAwait(false);
            XDocument xml = null;
            try { xml = string.IsNullOrWhiteSpace(response.Body) ? null : XDocument.Parse(response.Body); }
            catch (XmlException) { }
            if (!response.IsSuccess)
            {
                var error = xml?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                string detail = error == null ? null
                    : $"{error.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value}: {error.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value}";
                throw ProviderErrors.ForResponse(Name, what, response, detail);
            }
            return xml ?? throw ProviderErrors.BadAnswer(Name, what);
        }
    }
}
