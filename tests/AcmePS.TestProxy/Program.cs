// Test proxy for AcmePS: listens on HTTPS (loopback), forwards to an upstream ACME server (Pebble) with the Host
// header kept, so Pebble builds every URL it returns - and checks every JWS "url" - against the proxy's address.
// With --post-fault-percent N, N % of POSTs fail in one of the ways a real network or CA fails:
//   status503   503 + Retry-After: 1, not forwarded
//   status500   500 without a problem document, not forwarded
//   dropBefore  connection aborted before the request is forwarded
//   dropAfter   forwarded to Pebble (so it took effect), then the connection is aborted: the answer is lost
//   badNonce    400 badNonce with a fresh Replay-Nonce from Pebble, not forwarded (--faults picks the kinds used)
//   delay       held for --delay-ms (past the client's timeout, in the tests), then forwarded: Pebble acts on it
// What Pebble 2.4.0 lacks (ARI, profiles, replaces, Retry-After on polling) is in AcmeFeatures.cs.
// GET /__proxy/stats returns the counts as JSON, with one "ua:<User-Agent>" count per User-Agent seen.
// POST /__proxy/inject {"pathContains": "/order-plz", "status": 429, "type": "rateLimited", "detail": "…",
//   "retryAfter": 30, "subproblems": [...], "times": 1} answers the next matching POST(s) with that problem document
//   instead of forwarding them: what Pebble cannot be made to say (rate limits, CAA, profiles, …).
using System.Collections.Concurrent;
using System.Text.Json;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var options = ProxyOptions.Parse(args);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    var cert = X509Certificate2.CreateFromPemFile(options.CertPath, options.KeyPath);
    // Kestrel on Linux wants a certificate whose key it can use directly; re-import as PKCS#12.
    cert = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    k.Listen(System.Net.IPAddress.Loopback, options.Port, l =>
    {
        l.Protocols = HttpProtocols.Http1;
        l.UseHttps(cert);
    });
});
var app = builder.Build();

var upstream = new HttpClient(new SocketsHttpHandler
{
    AllowAutoRedirect = false,
    UseCookies = false,
    // The upstream is Pebble on loopback with a throw-away certificate.
    SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
})
{ BaseAddress = options.Upstream };
var stats = new ConcurrentDictionary<string, int>();
var injections = new List<Injection>();
var random = options.Seed.HasValue ? new Random(options.Seed.Value) : new Random();
var randomLock = new object();
string[] faults = options.Faults ?? new[] { "status503", "status500", "dropBefore", "dropAfter" };
var features = new AcmeFeatures(options.Management);

app.Run(async context =>
{
    var request = context.Request;
    if (request.Path == "/__proxy/stats")
    {
        await context.Response.WriteAsJsonAsync(stats);
        return;
    }
    if (request.Path == "/__proxy/inject")
    {
        var injection = await JsonSerializer.DeserializeAsync<Injection>(request.Body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        lock (injections) injections.Add(injection!);
        context.Response.StatusCode = 204;
        return;
    }
    if (await features.TryHandleAsync(context)) return;
    if (HttpMethods.IsPost(request.Method))
    {
        Injection? hit;
        lock (injections)
        {
            hit = injections.FirstOrDefault(i => i.Times > 0 && request.Path.Value!.Contains(i.PathContains));
            if (hit != null) hit.Times--;
        }
        if (hit != null)
        {
            stats.AddOrUpdate("injected", 1, (_, n) => n + 1);
            context.Response.StatusCode = hit.Status;
            context.Response.ContentType = "application/problem+json";
            if (hit.RetryAfter.HasValue) context.Response.Headers.RetryAfter = hit.RetryAfter.Value.ToString();
            var problem = new Dictionary<string, object?>
            {
                ["type"] = "urn:ietf:params:acme:error:" + hit.Type,
                ["detail"] = hit.Detail,
                ["status"] = hit.Status,
            };
            if (hit.Subproblems != null) problem["subproblems"] = hit.Subproblems;
            await context.Response.WriteAsync(JsonSerializer.Serialize(problem));
            return;
        }
    }
    string? fault = null;
    stats.AddOrUpdate("ua:" + request.Headers.UserAgent.ToString(), 1, (_, n) => n + 1);
    if (HttpMethods.IsPost(request.Method))
    {
        stats.AddOrUpdate("posts", 1, (_, n) => n + 1);
        lock (randomLock)
            if (random.Next(100) < options.PostFaultPercent) fault = faults[random.Next(faults.Length)];
    }
    if (fault != null) stats.AddOrUpdate(fault, 1, (_, n) => n + 1);

    switch (fault)
    {
        case "status503":
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "1";
            return;
        case "status500":
            context.Response.StatusCode = 500;
            return;
        case "dropBefore":
            context.Abort();
            return;
        case "badNonce":
            using (var head = await upstream.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/nonce-plz")))
                if (head.Headers.TryGetValues("Replay-Nonce", out var fresh)) context.Response.Headers["Replay-Nonce"] = fresh.First();
            await AcmeFeatures.Problem(context, 400, "badNonce", "injected badNonce");
            return;
        case "delay":
            await Task.Delay(options.DelayMs);
            break;
    }

    byte[] requestBody = Array.Empty<byte>();
    if (request.ContentLength > 0 || HttpMethods.IsPost(request.Method))
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        requestBody = buffer.ToArray();
    }
    if (await features.TryRefuseNewOrderAsync(context, requestBody)) return;

    using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
    if (request.ContentLength > 0 || HttpMethods.IsPost(request.Method))
    {
        message.Content = new ByteArrayContent(requestBody);
        if (request.ContentType != null) message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
    }
    message.Headers.Host = request.Host.Value;
    foreach (var name in new[] { "User-Agent", "Accept", "Accept-Language" })
        if (request.Headers.TryGetValue(name, out var value)) message.Headers.TryAddWithoutValidation(name, value.ToArray());

    // A delayed request reaches Pebble even when the client has given up on it (a slow CA that did act).
    using var response = await upstream.SendAsync(message, fault == "delay" ? CancellationToken.None : context.RequestAborted);
    byte[] body = features.Rewrite(context, response, await response.Content.ReadAsByteArrayAsync(), requestBody);
    if (fault == "dropAfter")
    {
        context.Abort();
        return;
    }
    context.Response.StatusCode = (int)response.StatusCode;
    foreach (var header in response.Headers.Concat(response.Content.Headers))
    {
        if (header.Key is "Transfer-Encoding" or "Connection" or "Content-Length") continue;
        context.Response.Headers[header.Key] = header.Value.ToArray();
    }
    if (context.RequestAborted.IsCancellationRequested) return;
    if (!HttpMethods.IsHead(request.Method)) await context.Response.Body.WriteAsync(body);
});

await app.StartAsync();
var address = app.Urls.FirstOrDefault() ?? "";
int port = new Uri(address.Replace("[::]", "localhost")).Port;
if (options.PortFile != null) await File.WriteAllTextAsync(options.PortFile, port.ToString());
Console.WriteLine($"listening on https://127.0.0.1:{port} -> {options.Upstream} ({options.PostFaultPercent} % POST faults)");
await app.WaitForShutdownAsync();

sealed class Injection
{
    public string PathContains { get; set; } = "";
    public int Status { get; set; } = 400;
    public string Type { get; set; } = "malformed";
    public string? Detail { get; set; }
    public int? RetryAfter { get; set; }
    public JsonElement? Subproblems { get; set; }
    public int Times { get; set; } = 1;
}

sealed record ProxyOptions(Uri Upstream, string CertPath, string KeyPath, int Port, int PostFaultPercent, int? Seed, string? PortFile,
    Uri? Management = null, string[]? Faults = null, int DelayMs = 0)
{
    public static ProxyOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2) map[args[i].TrimStart('-')] = args[i + 1];
        string Need(string k) => map.TryGetValue(k, out var v) ? v : throw new ArgumentException($"--{k} is required");
        return new ProxyOptions(
            new Uri(Need("upstream")), Need("cert"), Need("key"),
            map.TryGetValue("port", out var p) ? int.Parse(p) : 0,
            map.TryGetValue("post-fault-percent", out var f) ? int.Parse(f) : 0,
            map.TryGetValue("seed", out var s) ? int.Parse(s) : null,
            map.GetValueOrDefault("port-file"),
            map.TryGetValue("management", out var m) ? new Uri(m) : null,
            map.TryGetValue("faults", out var k) ? k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            map.TryGetValue("delay-ms", out var d) ? int.Parse(d) : 0);
    }
}
