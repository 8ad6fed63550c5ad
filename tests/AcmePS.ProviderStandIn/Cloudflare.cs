using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace AcmePS.ProviderStandIn;

/// <summary>Cloudflare API v4: GET zones?name=, GET/POST zones/{id}/dns_records, DELETE zones/{id}/dns_records/{id}.</summary>
public static class Cloudflare
{
    private static readonly Dictionary<string, string> Zones = new() { ["zone-example"] = "example.test", ["zone-deep"] = "deep.example.test" };
    // record id -> (zone id, name, content)
    private static readonly ConcurrentDictionary<string, (string Zone, string Name, string Content)> Records = new();
    private static readonly object Lock = new();

    public static async Task Handle(HttpContext c, StandInState state, string path, string body)
    {
        if (c.Request.Headers.Authorization != "Bearer " + Credentials.CloudflareToken)
        {
            await Http.Json(c, 403, Envelope(null, new JsonObject { ["code"] = 9109, ["message"] = "Invalid access token" }));
            return;
        }
        var parts = path.Trim('/').Split('/');   // client, v4, zones, {id}, dns_records, {id}
        if (parts.Length < 3 || parts[0] != "client" || parts[1] != "v4" || parts[2] != "zones") { c.Response.StatusCode = 404; return; }
        if (parts.Length == 3 && c.Request.Method == "GET")
        {
            string name = c.Request.Query["name"].ToString();
            var found = Zones.Where(z => string.IsNullOrEmpty(name) || z.Value == name)
                .Select(z => (JsonNode)new JsonObject { ["id"] = z.Key, ["name"] = z.Value, ["status"] = "active" }).ToArray();
            await Http.Json(c, 200, Envelope(new JsonArray(found)));
            return;
        }
        if (parts.Length < 5 || !Zones.TryGetValue(parts[3], out var zoneName) || parts[4] != "dns_records")
        {
            await Http.Json(c, 404, Envelope(null, new JsonObject { ["code"] = 7003, ["message"] = "Could not route to " + path }));
            return;
        }
        if (parts.Length == 5 && c.Request.Method == "GET")
        {
            string type = c.Request.Query["type"].ToString(), name = c.Request.Query["name"].ToString();
            var list = Records.Where(r => r.Value.Zone == parts[3] && type == "TXT" && (name.Length == 0 || r.Value.Name == name))
                .Select(r => (JsonNode)Record(r.Key, r.Value.Name, r.Value.Content)).ToArray();
            await Http.Json(c, 200, Envelope(new JsonArray(list)));
            return;
        }
        if (parts.Length == 5 && c.Request.Method == "POST")
        {
            var json = JsonNode.Parse(body)!;
            string name = StandInState.Norm((string)json["name"]!), content = (string)json["content"]!;
            if ((string?)json["type"] != "TXT" || !(name == zoneName || name.EndsWith("." + zoneName)) || (int?)json["ttl"] is null)
            {
                await Http.Json(c, 400, Envelope(null, new JsonObject { ["code"] = 9000, ["message"] = "DNS name is invalid or type/ttl missing." }));
                return;
            }
            string id = Guid.NewGuid().ToString("N");
            lock (Lock) Records[id] = (parts[3], name, content);
            await Sync(state, name);
            await Http.Json(c, 200, Envelope(Record(id, name, content)));
            return;
        }
        if (parts.Length == 6 && c.Request.Method == "DELETE")
        {
            if (!Records.TryRemove(parts[5], out var gone))
            {
                await Http.Json(c, 404, Envelope(null, new JsonObject { ["code"] = 81044, ["message"] = "Record does not exist." }));
                return;
            }
            await Sync(state, gone.Name);
            await Http.Json(c, 200, Envelope(new JsonObject { ["id"] = parts[5] }));
            return;
        }
        c.Response.StatusCode = 405;
    }

    private static Task Sync(StandInState state, string name) =>
        state.SetAsync(name, Records.Values.Where(r => r.Name == name).Select(r => r.Content).ToList());

    private static JsonObject Record(string id, string name, string content) =>
        new() { ["id"] = id, ["type"] = "TXT", ["name"] = name, ["content"] = "\"" + content + "\"", ["ttl"] = 60 };

    private static JsonObject Envelope(JsonNode? result, JsonObject? error = null) => new()
    {
        ["success"] = error == null, ["errors"] = error == null ? new JsonArray() : new JsonArray(error), ["messages"] = new JsonArray(), ["result"] = result,
    };
}
