// What Debian's Pebble 2.4.0 lacks and the proxy adds, each on demand (POST /__proxy/config):
//   ari              the directory gets "renewalInfo" (served here at /__ari/renewal-info/<certID>); the window comes
//                    from the certificate (looked up by serial in Pebble's management API: not due until 2/3 of its
//                    lifetime) or from POST /__proxy/renewal {"certificateId"|"serial", "due": true|false, "start", "end",
//                    "retryAfter", "explanationURL"}
//   profiles         the directory's meta.profiles; a newOrder naming another profile gets invalidProfile (not forwarded);
//                    the order, as newOrder, finalize and every read return it, echoes "profile" (Pebble still issues
//                    its own lifetime: the profile is recorded and echoed, not enforced)
//   replaces         always checked: a newOrder whose "replaces" names a certificate already replaced (by an earlier
//                    newOrder, or POST /__proxy/replaced {"certificateId"}) gets 409 alreadyReplaced
//   pollRetryAfter   Retry-After (seconds) on the answers to reads of pending/processing orders and authorizations
// GET /__proxy/orders lists every newOrder payload seen (decoded from the JWS) with the status answered.
using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

sealed class AcmeFeatures
{
    private readonly HttpClient _management;
    private readonly object _lock = new();
    private readonly JsonSerializerOptions _web = new(JsonSerializerDefaults.Web);
    private readonly List<JsonObject> _orders = new();
    private readonly HashSet<string> _replaced = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _profileByOrderId = new();
    private readonly ConcurrentDictionary<string, WindowOverride> _windows = new(StringComparer.OrdinalIgnoreCase);
    private FeatureConfig _config = new();

    public AcmeFeatures(Uri? management)
    {
        _management = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        if (management != null) _management.BaseAddress = management;
    }

    /// <summary>Control endpoints and the ARI resource; true when the request was answered here.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context)
    {
        var request = context.Request;
        string path = request.Path.Value ?? "";
        switch (path)
        {
            case "/__proxy/config":
                var config = await JsonSerializer.DeserializeAsync<FeatureConfig>(request.Body, _web);
                lock (_lock) _config = config ?? new FeatureConfig();
                context.Response.StatusCode = 204;
                return true;
            case "/__proxy/renewal":
                var window = await JsonSerializer.DeserializeAsync<WindowOverride>(request.Body, _web);
                string? serial = window?.Serial ?? SerialOf(window?.CertificateId);
                if (window == null || serial == null) { context.Response.StatusCode = 400; return true; }
                _windows[NormalizeSerial(serial)] = window;
                context.Response.StatusCode = 204;
                return true;
            case "/__proxy/replaced":
                var replaced = await JsonSerializer.DeserializeAsync<JsonObject>(request.Body, _web);
                lock (_lock) _replaced.Add((string?)replaced?["certificateId"] ?? "");
                context.Response.StatusCode = 204;
                return true;
            case "/__proxy/orders":
                string text;
                lock (_lock) text = new JsonArray(_orders.Select(o => (JsonNode)o.DeepClone()).ToArray()).ToJsonString();
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(text);
                return true;
        }
        if (path.StartsWith("/__ari/renewal-info/", StringComparison.Ordinal))
        {
            await RenewalInfoAsync(context, path.Substring("/__ari/renewal-info/".Length));
            return true;
        }
        return false;
    }

    /// <summary>Checks a newOrder before it is forwarded; true when it was refused here (invalidProfile, alreadyReplaced).</summary>
    public async Task<bool> TryRefuseNewOrderAsync(HttpContext context, byte[] body)
    {
        if (!IsNewOrder(context.Request)) return false;
        var payload = Payload(body);
        var entry = new JsonObject { ["payload"] = payload?.DeepClone() };
        lock (_lock) _orders.Add(entry);
        string? profile = (string?)payload?["profile"];
        string? replaces = (string?)payload?["replaces"];
        FeatureConfig config;
        lock (_lock) config = _config;
        if (profile != null && (config.Profiles == null || !config.Profiles.ContainsKey(profile)))
        {
            entry["status"] = 400;
            await Problem(context, 400, "invalidProfile", $"the profile '{profile}' is not offered");
            return true;
        }
        if (replaces != null)
        {
            bool already;
            lock (_lock) already = _replaced.Contains(replaces);
            if (already)
            {
                entry["status"] = 409;
                await Problem(context, 409, "alreadyReplaced", $"the certificate {replaces} has already been replaced");
                return true;
            }
        }
        return false;
    }

    /// <summary>Adds what Pebble lacks to an answer it gave: renewalInfo and profiles in the directory, the order's profile, Retry-After.</summary>
    public byte[] Rewrite(HttpContext context, HttpResponseMessage response, byte[] body, byte[] requestBody)
    {
        var request = context.Request;
        string path = request.Path.Value ?? "";
        FeatureConfig config;
        lock (_lock) config = _config;
        bool json = response.Content.Headers.ContentType?.MediaType?.Contains("json") == true;
        if (HttpMethods.IsGet(request.Method) && path == "/dir" && json && (config.Ari || config.Profiles != null))
        {
            var directory = JsonNode.Parse(body)!.AsObject();
            if (config.Ari) directory["renewalInfo"] = $"https://{request.Host.Value}/__ari/renewal-info";
            if (config.Profiles != null)
            {
                var meta = directory["meta"] as JsonObject ?? new JsonObject();
                meta["profiles"] = JsonSerializer.SerializeToNode(config.Profiles);
                directory["meta"] = meta;
            }
            return Encoding.UTF8.GetBytes(directory.ToJsonString());
        }
        if (!HttpMethods.IsPost(request.Method) || !json || !response.IsSuccessStatusCode) return body;
        if (IsNewOrder(request))
        {
            var payload = Payload(requestBody);
            string? id = response.Headers.Location?.ToString().TrimEnd('/').Split('/').Last();
            lock (_lock)
            {
                var entry = _orders.LastOrDefault(o => o["status"] == null && JsonNode.DeepEquals(o["payload"], payload));
                if (entry != null) { entry["status"] = (int)response.StatusCode; entry["orderId"] = id; }
                if ((string?)payload?["replaces"] is string replaces) _replaced.Add(replaces);
            }
            if ((string?)payload?["profile"] is string p && id != null) _profileByOrderId[id] = p;
        }
        bool isOrder = IsNewOrder(request) || path.StartsWith("/my-order/", StringComparison.Ordinal) || path.StartsWith("/finalize-order/", StringComparison.Ordinal);
        bool isAuthz = path.StartsWith("/authZ/", StringComparison.Ordinal);
        if (!isOrder && !isAuthz) return body;
        JsonObject resource;
        try { resource = JsonNode.Parse(body)!.AsObject(); } catch (Exception) { return body; }
        if (isOrder)
        {
            string orderId = IsNewOrder(request) ? response.Headers.Location?.ToString().TrimEnd('/').Split('/').Last() ?? "" : path.TrimEnd('/').Split('/').Last();
            if (_profileByOrderId.TryGetValue(orderId, out var profile)) resource["profile"] = profile;
        }
        string? status = (string?)resource["status"];
        if (config.PollRetryAfter is int seconds && (status == "pending" || status == "processing") && !IsNewOrder(request))
            context.Response.Headers.RetryAfter = seconds.ToString();
        return Encoding.UTF8.GetBytes(resource.ToJsonString());
    }

    private async Task RenewalInfoAsync(HttpContext context, string certificateId)
    {
        string? serial = SerialOf(certificateId);
        if (serial == null) { await Problem(context, 400, "malformed", $"'{certificateId}' is not a certificate id"); return; }
        var now = DateTimeOffset.UtcNow;
        _windows.TryGetValue(NormalizeSerial(serial), out var custom);
        DateTimeOffset start, end;
        if (custom?.Start != null && custom.End != null) { start = custom.Start.Value; end = custom.End.Value; }
        else if (custom?.Due == true) { start = now.AddDays(-2); end = now.AddDays(-1); }
        else
        {
            var status = await _management.GetAsync($"/cert-status-by-serial/{NormalizeSerial(serial)}");
            if (!status.IsSuccessStatusCode) { await Problem(context, 404, "malformed", $"no certificate with serial {serial}"); return; }
            var pem = (string?)JsonNode.Parse(await status.Content.ReadAsStringAsync())?["Certificate"];
            var cert = X509Certificate2.CreateFromPem(pem);
            var notBefore = new DateTimeOffset(cert.NotBefore.ToUniversalTime());
            var lifetime = new DateTimeOffset(cert.NotAfter.ToUniversalTime()) - notBefore;
            start = notBefore + lifetime * 2 / 3;
            end = notBefore + lifetime * 3 / 4;
        }
        var answer = new JsonObject
        {
            ["suggestedWindow"] = new JsonObject { ["start"] = start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), ["end"] = end.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") },
        };
        if (custom?.ExplanationUrl != null) answer["explanationURL"] = custom.ExplanationUrl;
        context.Response.Headers.RetryAfter = (custom?.RetryAfter ?? 1).ToString();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private static bool IsNewOrder(HttpRequest request) => HttpMethods.IsPost(request.Method) && request.Path.Value == "/order-plz";

    private static JsonNode? Payload(byte[] jws)
    {
        try
        {
            var payload = (string?)JsonNode.Parse(jws)?["payload"];
            return string.IsNullOrEmpty(payload) ? null : JsonNode.Parse(Base64UrlDecode(payload));
        }
        catch (Exception) { return null; }
    }

    private static byte[] Base64UrlDecode(string text)
    {
        string s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }

    /// <summary>The serial (lower-case hex, no leading zeros, as Pebble's management API wants it) an ARI id names.</summary>
    private static string? SerialOf(string? certificateId)
    {
        if (certificateId == null) return null;
        var parts = certificateId.Split('.');
        if (parts.Length != 2) return null;
        try { return new BigInteger(Base64UrlDecode(parts[1]), isUnsigned: false, isBigEndian: true).ToString("x"); }
        catch (FormatException) { return null; }
    }

    private static string NormalizeSerial(string hex)
    {
        string s = hex.ToLowerInvariant().TrimStart('0');
        return s.Length == 0 ? "0" : s;
    }

    public static async Task Problem(HttpContext context, int status, string type, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { type = "urn:ietf:params:acme:error:" + type, detail, status }));
    }
}

sealed class FeatureConfig
{
    public bool Ari { get; set; }
    public Dictionary<string, string>? Profiles { get; set; }
    public int? PollRetryAfter { get; set; }
}

sealed class WindowOverride
{
    public string? CertificateId { get; set; }
    public string? Serial { get; set; }
    public bool? Due { get; set; }
    public DateTimeOffset? Start { get; set; }
    public DateTimeOffset? End { get; set; }
    public int? RetryAfter { get; set; }
    public string? ExplanationUrl { get; set; }
}
