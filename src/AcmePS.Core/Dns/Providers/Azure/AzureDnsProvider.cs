using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Dns.Providers.Azure
{
    /// <summary>
    /// TXT record sets through the Azure DNS REST API (api-version 2018-05-01). The zone is the longest suffix of the
    /// record name among the subscription's zones; a record set is read, changed and written back with its ETag
    /// (If-Match / If-None-Match), so concurrent changes to the same name are not lost.
    /// </summary>
    public sealed class AzureDnsProvider : IDnsTxtProvider
    {
        public static readonly Uri DefaultResourceManagerUrl = new Uri("https://management.azure.com/");
        private const string ApiVersion = "2018-05-01";
        private const string Name = "Azure DNS";
        private readonly string _subscription;
        private readonly Uri _arm;
        private readonly AzureTokenSource _tokens;
        private readonly IRestTransport _transport;
        private List<(string Name, string Id)> _zones;

        public AzureDnsProvider(string subscriptionId, AzureTokenSource tokens, Uri resourceManagerUrl = null, IRestTransport transport = null)
        {
            if (string.IsNullOrWhiteSpace(subscriptionId)) throw ProviderErrors.CredentialMissing(Name, "a subscription id is needed (-SubscriptionId).");
            _subscription = subscriptionId.Trim();
            _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
            string arm = (resourceManagerUrl ?? EnvUrl() ?? DefaultResourceManagerUrl).AbsoluteUri;
            _arm = new Uri(arm.EndsWith("/") ? arm : arm + "/");
            _transport = transport ?? HttpRestTransport.Instance;
        }

        private static Uri EnvUrl()
        {
            string value = Environment.GetEnvironmentVariable("ACMEPS_AZURE_RESOURCE_MANAGER_URL");
            return string.IsNullOrEmpty(value) ? null : new Uri(value);
        }

        public int Ttl { get; set; } = 60;

        public Task AddAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken ct) =>
            ChangeAsync(recordName, existing => existing.Union(values).ToList(), ct);

        public Task RemoveAsync(string recordName, IReadOnlyCollection<string> values, CancellationToken ct) =>
            ChangeAsync(recordName, existing => existing.Where(v => !values.Contains(v)).ToList(), ct);

        private async Task ChangeAsync(string recordName, Func<List<string>, List<string>> change, CancellationToken ct)
        {
            Uri url = await RecordSetUrlAsync(recordName, ct).ConfigureAwait(false);
            for (int attempt = 1; ; attempt++)
            {
                var get = await CallAsync("GET", url, null, null, $"read the TXT record set {recordName}", ct, allow404: true).ConfigureAwait(false);
                var existing = new List<string>();
                string etag = null;
                int ttl = Ttl;
                if (get.StatusCode != 404)
                {
                    var json = Parse(get.Body, recordName);
                    etag = (string)json["etag"];
                    ttl = (int?)json["properties"]?["TTL"] ?? Ttl;
                    foreach (var record in (json["properties"]?["TXTRecords"] as JArray) ?? new JArray())
                        existing.Add(string.Concat(((record["value"] as JArray) ?? new JArray()).Select(v => (string)v)));
                }
                var wanted = change(existing).Distinct().ToList();
                if (wanted.Count == existing.Count && !wanted.Except(existing).Any()) return;
                RestResponse result;
                if (wanted.Count == 0)
                    result = await CallAsync("DELETE", url, null, etag, $"delete the TXT record set {recordName}", ct, allow412: true).ConfigureAwait(false);
                else
                {
                    var body = new JObject
                    {
                        ["properties"] = new JObject
                        {
                            ["TTL"] = ttl,
                            ["TXTRecords"] = new JArray(wanted.Select(v => new JObject { ["value"] = new JArray(Split(v)) })),
                        },
                    };
                    result = await CallAsync("PUT", url, body.ToString(Formatting.None), etag ?? "*new", $"write the TXT record set {recordName}", ct, allow412: true).ConfigureAwait(false);
                }
                if (result.StatusCode != 412) return;
                if (attempt >= 5)
                    throw new AcmeException("AcmePluginRequestFailed", AcmeErrorKind.ResourceBusy,
                        $"{Name}: the TXT record set {recordName} kept changing while AcmePS was writing it.") { Target = recordName };
            }
        }

        /// <summary>A TXT string holds at most 255 characters; longer values go in several strings.</summary>
        private static IEnumerable<string> Split(string value)
        {
            for (int i = 0; i < value.Length; i += 255) yield return value.Substring(i, Math.Min(255, value.Length - i));
            if (value.Length == 0) yield return "";
        }

        private async Task<Uri> RecordSetUrlAsync(string recordName, CancellationToken ct)
        {
            if (_zones == null)
            {
                var zones = new List<(string, string)>();
                Uri next = new Uri(_arm, $"subscriptions/{Uri.EscapeDataString(_subscription)}/providers/Microsoft.Network/dnszones?api-version={ApiVersion}");
                while (next != null)
                {
                    var page = Parse((await CallAsync("GET", next, null, null, "list the DNS zones of the subscription", ct).ConfigureAwait(false)).Body, "the zone list");
                    foreach (var zone in (page["value"] as JArray) ?? new JArray()) zones.Add(((string)zone["name"], (string)zone["id"]));
                    string link = (string)page["nextLink"];
                    next = string.IsNullOrEmpty(link) ? null : new Uri(link);
                }
                _zones = zones;
            }
            string best = DnsNames.LongestSuffix(recordName, _zones.Select(z => z.Name));
            if (best == null) throw ProviderErrors.ZoneNotFound(Name, recordName, $"in subscription {_subscription} (or the identity may not read it)");
            string id = _zones.First(z => DnsNames.Normalize(z.Name) == best).Id;
            return new Uri(_arm, id.TrimStart('/') + "/TXT/" + Uri.EscapeDataString(DnsNames.Relative(recordName, best)) + "?api-version=" + ApiVersion);
        }

        private JObject Parse(string body, string what)
        {
            try { return JObject.Parse(body); }
            catch (JsonException ex) { throw ProviderErrors.BadAnswer(Name, what, ex); }
        }

        private async Task<RestResponse> CallAsync(string method, Uri url, string body, string etag, string what, CancellationToken ct,
            bool allow404 = false, bool allow412 = false)
        {
            string token = await _tokens.GetTokenAsync(ResourceFor(_arm), ct).ConfigureAwait(false);
            var request = new RestRequest(method, url) { Body = body };
            request.Headers["Authorization"] = "Bearer " + token;
            if (etag == "*new") request.Headers["If-None-Match"] = "*";
            else if (etag != null) request.Headers["If-Match"] = etag;
            var response = await _transport.SendAsync(request, ct).ConfigureAwait(false);
            if (response.IsSuccess || (allow404 && response.StatusCode == 404) || (allow412 && response.StatusCode == 412)) return response;
            if (method == "DELETE" && response.StatusCode == 404) return response;
            string detail = null;
            try
            {
                var error = JObject.Parse(response.Body)["error"];
                detail = error == null ? null : $"{error["code"]}: {error["message"]}";
            }
            catch (JsonException) { }
            throw ProviderErrors.ForResponse(Name, what, response, detail);
        }

        /// <summary>The token audience: the Resource Manager URL itself (https://management.azure.com/ in the public cloud).</summary>
        public static Uri ResourceFor(Uri resourceManager) => new Uri(resourceManager.GetLeftPart(UriPartial.Authority) + "/");
    }
}
