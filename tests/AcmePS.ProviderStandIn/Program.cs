// Provider stand-in for the AcmePS DNS plugin tests: plain HTTP on loopback, one path prefix per API.
//   /azure/...       Entra ID token endpoint, IDENTITY_ENDPOINT, MSI_ENDPOINT, IMDS, and Azure Resource Manager (DNS)
//   /cloudflare/...  Cloudflare API v4 (zones, dns_records)
//   /route53/...     Route53 2013-04-01 (every request's SigV4 signature is recomputed and checked)
//   /aws-imds/...    EC2 instance metadata (IMDSv2)
//   /acmedns/...     acme-dns (register, update)
//   /__standin/...   control: GET log (every request with headers and body), GET records, POST azure-certificate,
//                    POST reset-log
// Every TXT change is pushed to pebble-challtestsrv (--challtestsrv URL), which Pebble resolves through, so a full
// issuance through a plugin works end to end. Credentials are fixed (see Credentials). Arguments: --port-file PATH,
// --challtestsrv URL.
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcmePS.ProviderStandIn;

var map = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
var app = builder.Build();
var state = new StandInState(map.TryGetValue("challtestsrv", out var cts) ? new Uri(cts) : null);

app.Run(async context =>
{
    var request = context.Request;
    request.EnableBuffering();
    string body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync();
    string path = request.Path.Value ?? "/";
    if (!path.StartsWith("/__standin/")) state.Log(request, body);
    try
    {
        if (path.StartsWith("/__standin/")) await Control(context, path, body);
        else if (path.StartsWith("/azure/")) await Azure.Handle(context, state, path["/azure".Length..], body);
        else if (path.StartsWith("/cloudflare/")) await Cloudflare.Handle(context, state, path["/cloudflare".Length..], body);
        else if (path.StartsWith("/route53/")) await Route53.Handle(context, state, path, body);
        else if (path.StartsWith("/aws-imds/")) await Route53.HandleImds(context, state, path["/aws-imds".Length..]);
        else if (path.StartsWith("/acmedns/")) await AcmeDns.Handle(context, state, path["/acmedns".Length..], body);
        else context.Response.StatusCode = 404;
    }
    catch (Exception ex)
    {
        Console.WriteLine($"{request.Method} {path}: {ex}");
        context.Response.StatusCode = 500;
        await context.Response.WriteAsync(ex.Message);
    }
});

async Task Control(HttpContext context, string path, string body)
{
    switch (path)
    {
        case "/__standin/log":
            await context.Response.WriteAsJsonAsync(state.Requests.ToArray());
            break;
        case "/__standin/records":
            await context.Response.WriteAsJsonAsync(state.Snapshot());
            break;
        case "/__standin/reset-log":
            state.Requests.Clear();
            context.Response.StatusCode = 204;
            break;
        case "/__standin/azure-certificate":
            state.AzureCertificatePem = body;
            context.Response.StatusCode = 204;
            break;
        default:
            context.Response.StatusCode = 404;
            break;
    }
}

await app.StartAsync();
int port = new Uri(app.Urls.First()).Port;
if (map.TryGetValue("port-file", out var portFile)) await File.WriteAllTextAsync(portFile, port.ToString());
Console.WriteLine($"provider stand-in on http://127.0.0.1:{port}");
await app.WaitForShutdownAsync();

namespace AcmePS.ProviderStandIn
{
    public static class Credentials
    {
        public const string AzureSubscription = "00000000-0000-0000-0000-0000000000a1";
        public const string AzureTenant = "tenant-standin";
        public const string AzureClientId = "app-standin";
        public const string AzureClientSecret = "app-secret-standin";
        public const string IdentityHeader = "identity-header-standin";
        public const string MsiSecret = "msi-secret-standin";
        public const string CloudflareToken = "cf-token-standin";
        public const string AwsAccessKeyId = "AKIDSTANDIN";
        public const string AwsSecretKey = "standin/secret/KEY";
        public const string AwsRoleAccessKeyId = "ASIASTANDINROLE";
        public const string AwsRoleSecretKey = "role/secret/KEY";
        public const string AwsRoleSessionToken = "role-session-token-standin";
        public const string ImdsToken = "imds-v2-token-standin";
    }

    public sealed record LoggedRequest(string Method, string Path, string Query, Dictionary<string, string> Headers, string Body);

    public sealed class StandInState(Uri? challTestSrv)
    {
        private static readonly HttpClient Http = new();
        private readonly Dictionary<string, List<string>> _records = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, int> _most = new(StringComparer.OrdinalIgnoreCase);
        public ConcurrentQueue<LoggedRequest> Requests { get; } = new();
        public ConcurrentDictionary<string, bool> AzureTokens { get; } = new();
        public string? AzureCertificatePem { get; set; }

        public void Log(HttpRequest r, string body) => Requests.Enqueue(new LoggedRequest(r.Method, r.Path.Value ?? "", r.QueryString.Value ?? "",
            r.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));

        public List<string> Get(string name)
        {
            lock (_records) return _records.TryGetValue(Norm(name), out var v) ? v.ToList() : new List<string>();
        }

        /// <summary>Replaces the TXT values of a name (none: removes it), and pushes them to challtestsrv.</summary>
        public async Task SetAsync(string name, IEnumerable<string> values)
        {
            var list = values.Distinct().ToList();
            lock (_records)
            {
                if (list.Count == 0) _records.Remove(Norm(name));
                else _records[Norm(name)] = list;
                _most[Norm(name)] = Math.Max(_most.GetValueOrDefault(Norm(name)), list.Count);
            }
            if (challTestSrv == null) return;
            string host = Norm(name) + ".";
            (await Http.PostAsync(new Uri(challTestSrv, "clear-txt"), Json(new JsonObject { ["host"] = host }))).EnsureSuccessStatusCode();
            foreach (string v in list)
                (await Http.PostAsync(new Uri(challTestSrv, "set-txt"), Json(new JsonObject { ["host"] = host, ["value"] = v }))).EnsureSuccessStatusCode();
        }

        /// <summary>Every name with its current values and the most values it ever held at once.</summary>
        public object Snapshot()
        {
            lock (_records)
                return _most.Keys.ToDictionary(k => k, k => new { values = _records.GetValueOrDefault(k) ?? new List<string>(), most = _most[k] });
        }

        public static string Norm(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

        private static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");
    }

    public static class Http
    {
        public static async Task Json(HttpContext c, int status, object body)
        {
            c.Response.StatusCode = status;
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(body is JsonNode n ? n.ToJsonString() : JsonSerializer.Serialize(body));
        }

        public static async Task Text(HttpContext c, int status, string body, string type = "text/plain")
        {
            c.Response.StatusCode = status;
            c.Response.ContentType = type;
            await c.Response.WriteAsync(body);
        }

        public static Dictionary<string, string> Form(string body) =>
            body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");
    }
}
