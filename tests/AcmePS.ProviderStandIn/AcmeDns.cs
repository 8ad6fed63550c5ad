using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace AcmePS.ProviderStandIn;

/// <summary>acme-dns: POST /register, POST /update (X-Api-User, X-Api-Key; the two latest values are kept).</summary>
public static class AcmeDns
{
    public const string Domain = "auth.acme-dns.test";
    private static readonly ConcurrentDictionary<string, (string Password, string SubDomain)> Accounts = new();
    private static readonly ConcurrentDictionary<string, List<string>> Values = new();

    public static async Task Handle(HttpContext c, StandInState state, string path, string body)
    {
        if (path == "/register" && c.Request.Method == "POST")
        {
            string user = Guid.NewGuid().ToString(), password = "pw-" + Guid.NewGuid().ToString("N"), sub = Guid.NewGuid().ToString();
            var allow = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body)?["allowfrom"]?.AsArray();
            Accounts[user] = (password, sub);
            await Http.Json(c, 201, new JsonObject
            {
                ["username"] = user, ["password"] = password, ["fulldomain"] = $"{sub}.{Domain}", ["subdomain"] = sub,
                ["allowfrom"] = allow == null ? new JsonArray() : JsonNode.Parse(allow.ToJsonString()),
            });
            return;
        }
        if (path == "/update" && c.Request.Method == "POST")
        {
            string user = c.Request.Headers["X-Api-User"].ToString(), key = c.Request.Headers["X-Api-Key"].ToString();
            if (!Accounts.TryGetValue(user, out var account) || account.Password != key) { await Http.Json(c, 401, new JsonObject { ["error"] = "forbidden" }); return; }
            var json = JsonNode.Parse(body)!;
            string sub = (string?)json["subdomain"] ?? "", txt = (string?)json["txt"] ?? "";
            if (sub != account.SubDomain) { await Http.Json(c, 401, new JsonObject { ["error"] = "forbidden" }); return; }
            if (txt.Length != 43) { await Http.Json(c, 400, new JsonObject { ["error"] = "bad_txt" }); return; }
            var list = Values.GetOrAdd(sub, _ => new List<string>());
            List<string> now;
            lock (list)
            {
                list.Add(txt);
                if (list.Count > 2) list.RemoveAt(0);
                now = list.ToList();
            }
            await state.SetAsync($"{sub}.{Domain}", now);
            await Http.Json(c, 200, new JsonObject { ["txt"] = txt });
            return;
        }
        c.Response.StatusCode = 404;
    }
}
