using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace AcmePS.ProviderStandIn;

/// <summary>
/// Microsoft Entra ID's v2.0 token endpoint (client secret, client assertion), the managed identity endpoints
/// (IDENTITY_ENDPOINT 2019-08-01, MSI_ENDPOINT 2017-09-01, IMDS 2018-02-01) and Azure DNS (api-version 2018-05-01:
/// Zones - List, RecordSets - Get/CreateOrUpdate/Delete for TXT, with ETags).
/// </summary>
public static class Azure
{
    private const string ApiVersion = "2018-05-01";
    // zone -> resource group; listed over two pages (nextLink)
    private static readonly (string Zone, string Group)[] Zones = { ("other.test", "rg-other"), ("example.test", "rg-dns"), ("deep.example.test", "rg-deep") };
    private static readonly ConcurrentDictionary<string, string> ETags = new(StringComparer.OrdinalIgnoreCase);

    public static async Task Handle(HttpContext c, StandInState state, string path, string body)
    {
        var q = c.Request.Query;
        if (path.EndsWith("/oauth2/v2.0/token") && c.Request.Method == "POST") { await Token(c, state, path, body); return; }
        if (path == "/identity")
        {
            if (c.Request.Headers["X-IDENTITY-HEADER"] != Credentials.IdentityHeader || q["api-version"] != "2019-08-01" || string.IsNullOrEmpty(q["resource"]))
            { await Http.Json(c, 400, new JsonObject { ["error"] = "invalid_request", ["error_description"] = "bad identity request" }); return; }
            string token = Issue(state);
            await Http.Json(c, 200, new JsonObject { ["access_token"] = token, ["expires_on"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(), ["resource"] = q["resource"].ToString(), ["token_type"] = "Bearer" });
            return;
        }
        if (path == "/msi")
        {
            if (c.Request.Headers["Secret"] != Credentials.MsiSecret || q["api-version"] != "2017-09-01" || string.IsNullOrEmpty(q["resource"]))
            { await Http.Json(c, 400, new JsonObject { ["error"] = "invalid_request" }); return; }
            await Http.Json(c, 200, new JsonObject { ["access_token"] = Issue(state), ["expires_on"] = DateTimeOffset.UtcNow.AddHours(1).ToString("MM/dd/yyyy hh:mm:ss tt zzz", System.Globalization.CultureInfo.InvariantCulture), ["resource"] = q["resource"].ToString(), ["token_type"] = "Bearer" });
            return;
        }
        if (path == "/imds/metadata/identity/oauth2/token")
        {
            if (c.Request.Headers["Metadata"] != "true" || q["api-version"] != "2018-02-01" || string.IsNullOrEmpty(q["resource"]))
            { await Http.Json(c, 400, new JsonObject { ["error"] = "invalid_request" }); return; }
            await Http.Json(c, 200, new JsonObject { ["access_token"] = Issue(state), ["expires_in"] = "3599", ["expires_on"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(), ["resource"] = q["resource"].ToString(), ["token_type"] = "Bearer" });
            return;
        }
        if (path.StartsWith("/arm/")) { await Arm(c, state, path["/arm".Length..], body); return; }
        c.Response.StatusCode = 404;
    }

    private static string Issue(StandInState state)
    {
        string token = "azure-token-" + Guid.NewGuid().ToString("N");
        state.AzureTokens[token] = true;
        return token;
    }

    private static async Task Token(HttpContext c, StandInState state, string path, string body)
    {
        var form = Http.Form(body);
        string? Bad()
        {
            if (path != $"/login/{Credentials.AzureTenant}/oauth2/v2.0/token") return "AADSTS90002: Tenant not found.";
            if (c.Request.ContentType?.StartsWith("application/x-www-form-urlencoded") != true) return "AADSTS900144: form body expected";
            if (form.GetValueOrDefault("grant_type") != "client_credentials") return "AADSTS70003: unsupported grant_type";
            if (form.GetValueOrDefault("client_id") != Credentials.AzureClientId) return "AADSTS700016: Application not found.";
            if (form.GetValueOrDefault("scope")?.EndsWith("/.default") != true) return "AADSTS1002012: scope must end with /.default";
            if (form.TryGetValue("client_secret", out var secret)) return secret == Credentials.AzureClientSecret ? null : "AADSTS7000215: Invalid client secret provided.";
            if (form.GetValueOrDefault("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return "AADSTS7000216: client_assertion_type missing";
            string tokenUrl = $"{c.Request.Scheme}://{c.Request.Host}{c.Request.PathBase}{c.Request.Path}";
            return CheckAssertion(form.GetValueOrDefault("client_assertion") ?? "", tokenUrl, state.AzureCertificatePem);
        }
        string? error = Bad();
        if (error != null) { await Http.Json(c, 401, new JsonObject { ["error"] = "invalid_client", ["error_description"] = error }); return; }
        await Http.Json(c, 200, new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3599, ["ext_expires_in"] = 3599, ["access_token"] = Issue(state) });
    }

    /// <summary>RS256, x5t of the registered certificate, aud = token URL, iss = sub = client id, valid now.</summary>
    private static string? CheckAssertion(string jwt, string tokenUrl, string? certificatePem)
    {
        if (certificatePem == null) return "AADSTS700027: no certificate registered";
        var parts = jwt.Split('.');
        if (parts.Length != 3) return "AADSTS50027: JWT token is invalid or malformed.";
        var header = JsonNode.Parse(B64(parts[0]))!;
        var claims = JsonNode.Parse(B64(parts[1]))!;
        using var cert = X509Certificate2.CreateFromPem(certificatePem);
        if ((string?)header["alg"] != "RS256") return "AADSTS5002730: alg must be RS256";
        if ((string?)header["x5t"] != Convert.ToBase64String(cert.GetCertHash()).TrimEnd('=').Replace('+', '-').Replace('/', '_')) return "AADSTS700027: x5t does not match";
        using var rsa = cert.GetRSAPublicKey()!;
        if (!rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Bytes(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return "AADSTS700027: Client assertion contains an invalid signature.";
        if ((string?)claims["aud"] != tokenUrl) return $"AADSTS700212: aud must be {tokenUrl}";
        if ((string?)claims["iss"] != Credentials.AzureClientId || (string?)claims["sub"] != Credentials.AzureClientId) return "AADSTS700023: iss/sub";
        if (string.IsNullOrEmpty((string?)claims["jti"])) return "AADSTS700025: jti missing";
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if ((long)claims["nbf"]! > now + 60 || (long)claims["exp"]! < now) return "AADSTS700024: Client assertion is not within its valid time range.";
        return null;
    }

    private static byte[] Bytes(string b64url)
    {
        string s = b64url.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }

    private static string B64(string b64url) => Encoding.UTF8.GetString(Bytes(b64url));

    private static async Task Arm(HttpContext c, StandInState state, string path, string body)
    {
        string auth = c.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ") || !state.AzureTokens.ContainsKey(auth["Bearer ".Length..]))
        { await Http.Json(c, 401, new JsonObject { ["error"] = new JsonObject { ["code"] = "InvalidAuthenticationToken", ["message"] = "The access token is invalid." } }); return; }
        if (c.Request.Query["api-version"] != ApiVersion)
        { await Http.Json(c, 400, new JsonObject { ["error"] = new JsonObject { ["code"] = "InvalidApiVersionParameter", ["message"] = "api-version" } }); return; }
        string sub = $"/subscriptions/{Credentials.AzureSubscription}";
        if (path == sub + "/providers/Microsoft.Network/dnszones")
        {
            bool second = c.Request.Query["$skipToken"] == "2";
            var page = second ? Zones.Skip(2) : Zones.Take(2);
            var result = new JsonObject { ["value"] = new JsonArray(page.Select(z => (JsonNode)new JsonObject
            {
                ["id"] = $"{sub}/resourceGroups/{z.Group}/providers/Microsoft.Network/dnszones/{z.Zone}",
                ["name"] = z.Zone, ["type"] = "Microsoft.Network/dnszones", ["location"] = "global",
            }).ToArray()) };
            if (!second) result["nextLink"] = $"{c.Request.Scheme}://{c.Request.Host}/azure/arm{path}?api-version={ApiVersion}&$skipToken=2";
            await Http.Json(c, 200, result);
            return;
        }
        var parts = path.Split('/');
        // /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Network/dnszones/{zone}/TXT/{name}
        if (parts.Length != 11 || parts[2] != Credentials.AzureSubscription || parts[7] != "dnszones" || parts[9] != "TXT")
        { await Http.Json(c, 404, new JsonObject { ["error"] = new JsonObject { ["code"] = "NotFound", ["message"] = path } }); return; }
        var zone = Zones.FirstOrDefault(z => z.Zone == parts[8] && z.Group == parts[4]);
        if (zone.Zone == null) { await Http.Json(c, 404, new JsonObject { ["error"] = new JsonObject { ["code"] = "ParentResourceNotFound", ["message"] = parts[8] } }); return; }
        string rel = Uri.UnescapeDataString(parts[10]);
        string fqdn = rel == "@" ? zone.Zone : rel + "." + zone.Zone;
        var values = state.Get(fqdn);
        string? etag = ETags.GetValueOrDefault(fqdn);
        bool exists = values.Count > 0;
        string ifMatch = c.Request.Headers.IfMatch.ToString(), ifNone = c.Request.Headers.IfNoneMatch.ToString();
        if ((ifMatch.Length > 0 && ifMatch != etag) || (ifNone == "*" && exists)) { await Http.Json(c, 412, new JsonObject { ["error"] = new JsonObject { ["code"] = "PreconditionFailed", ["message"] = "etag" } }); return; }
        switch (c.Request.Method)
        {
            case "GET":
                if (!exists) { await Http.Json(c, 404, new JsonObject { ["error"] = new JsonObject { ["code"] = "NotFound", ["message"] = $"The resource record '{rel}' does not exist." } }); return; }
                await Http.Json(c, 200, RecordSet(path, rel, etag!, 60, values));
                return;
            case "PUT":
                var props = JsonNode.Parse(body)!["properties"]!;
                var wanted = props["TXTRecords"]!.AsArray().Select(r => string.Concat(r!["value"]!.AsArray().Select(v => (string)v!))).ToList();
                await state.SetAsync(fqdn, wanted);
                ETags[fqdn] = Guid.NewGuid().ToString();
                await Http.Json(c, exists ? 200 : 201, RecordSet(path, rel, ETags[fqdn], (int)props["TTL"]!, wanted));
                return;
            case "DELETE":
                await state.SetAsync(fqdn, Array.Empty<string>());
                ETags.TryRemove(fqdn, out _);
                c.Response.StatusCode = exists ? 200 : 204;
                return;
        }
        c.Response.StatusCode = 405;
    }

    private static JsonObject RecordSet(string id, string name, string etag, int ttl, List<string> values) => new()
    {
        ["id"] = id, ["name"] = name, ["type"] = "Microsoft.Network/dnszones/TXT", ["etag"] = etag,
        ["properties"] = new JsonObject
        {
            ["TTL"] = ttl, ["provisioningState"] = "Succeeded",
            ["TXTRecords"] = new JsonArray(values.Select(v => (JsonNode)new JsonObject { ["value"] = new JsonArray(v) }).ToArray()),
        },
    };
}
