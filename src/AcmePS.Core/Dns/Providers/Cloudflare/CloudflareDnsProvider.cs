using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Dns.Providers.Cloudflare
{
    /// <summary>
    /// TXT records through the Cloudflare API v4 with an API token (Zone:Read and DNS:Edit): the zone is found by
    /// name (longest first), then one DNS record per value is created; removal deletes only the records with our values.
    /// </summary>
    public sealed class CloudflareDnsProvider : IDnsTxtProvider
    {
        public static readonly Uri DefaultApiUrl = new Uri("https://api.cloudflare.com/client/v4/");
        private const string Name = "Cloudflare";
        private readonly string _token;
        private readonly Uri _api;
        private readonly IRestTransport _transport;
        private readonly Dictionary<string, string> _zones = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public CloudflareDnsProvider(string apiToken, Uri apiUrl = null, IRestTransport transport = null)
        {
            if (string.IsNullOrEmpty(apiToken)) throw ProviderErrors.CredentialMissing(Name, "an API token is needed (-ApiToken).");
            _token = apiToken;
            string api = (apiUrl ?? DefaultApiUrl).AbsoluteUri;
            _api = new Uri(api.EndsWith("/") ? api : api + "/");
            _transport = transport ?? HttpRestTransport.Instance;
        }

        public int Ttl { get; set; } = 60;

        public async Task AddAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken ct)
        {
            string zone = await ZoneIdAsync(recordName, ct).ConfigureAwait(false);
            var existing = await ListAsync(zone, recordName, ct).ConfigureAwait(false);
            foreach (string value in values.Distinct())
            {
                if (existing.Any(r => r.Value == value)) continue;
                var body = new JObject { ["type"] = "TXT", ["name"] = DnsNames.Normalize(recordName), ["content"] = value, ["ttl"] = Ttl };
                await CallAsync("POST", $"zones/{zone}/dns_records", body, $"create the TXT record {recordName}", ct).ConfigureAwait(false);
            }
        }

        public async Task RemoveAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken ct)
        {
            string zone = await ZoneIdAsync(recordName, ct).ConfigureAwait(false);
            foreach (var record in await ListAsync(zone, recordName, ct).ConfigureAwait(false))
                if (values.Contains(record.Value))
                    await CallAsync("DELETE", $"zones/{zone}/dns_records/{Uri.EscapeDataString(record.Id)}", null, $"delete the TXT record {recordName}", ct).ConfigureAwait(false);
        }

        private async Task<string> ZoneIdAsync(string recordName, CancellationToken ct)
        {
            foreach (string candidate in DnsNames.ParentZones(recordName))
            {
                if (_zones.TryGetValue(candidate, out string cached)) return cached;
                var result = await CallAsync("GET", "zones?name=" + Uri.EscapeDataString(candidate), null, $"look up the zone {candidate}", ct).ConfigureAwait(false);
                var zone = (result as JArray)?.FirstOrDefault(z => string.Equals((string)z["name"], candidate, StringComparison.OrdinalIgnoreCase));
                if (zone != null) return _zones[candidate] = (string)zone["id"];
            }
            throw ProviderErrors.ZoneNotFound(Name, recordName, "that this API token can see (it needs Zone:Read on the zone)");
        }

        private async Task<List<(string Id, string Value)>> ListAsync(string zone, string recordName, CancellationToken ct)
        {
            var result = await CallAsync("GET", $"zones/{zone}/dns_records?type=TXT&per_page=100&name=" + Uri.EscapeDataString(DnsNames.Normalize(recordName)),
                null, $"list the TXT records of {recordName}", ct).ConfigureAwait(false);
            return ((result as JArray) ?? new JArray()).Select(r => ((string)r["id"], Unquote((string)r["content"]))).ToList();
        }

        /// <summary>Cloudflare may show TXT content in quotes; the value is what is inside.</summary>
        private static string Unquote(string content) =>
            content != null && content.Length >= 2 && content[0] == '"' && content[content.Length - 1] == '"' ? content.Substring(1, content.Length - 2) : content;

        private async Task<JToken> CallAsync(string method, string path, JObject body, string what, CancellationToken ct)
        {
            var request = new RestRequest(method, new Uri(_api, path));
            request.Headers["Authorization"] = "Bearer " + _token;
            if (body != null) request.Body = body.ToString(Formatting.None);
            var response = await _transport.SendAsync(request, ct).ConfigureAwait(false);
            JObject json = null;
            try { json = string.IsNullOrWhiteSpace(response.Body) ? null : JObject.Parse(response.Body); }
            catch (JsonException) { }
            if (!response.IsSuccess || json == null || json["success"]?.Type == JTokenType.Boolean && !(bool)json["success"])
            {
                string detail = json?["errors"] is JArray errors && errors.Count > 0
                    ? string.Join("; ", errors.Select(e => $"{e["message"]} (code {e["code"]})"))
                    : null;
                if (response.IsSuccess && json == null) throw ProviderErrors.BadAnswer(Name, what);
                var failed = response.IsSuccess ? new RestResponse { StatusCode = 400, Body = response.Body } : response;
                throw ProviderErrors.ForResponse(Name, what, failed, detail);
            }
            return json["result"];
        }
    }
}
