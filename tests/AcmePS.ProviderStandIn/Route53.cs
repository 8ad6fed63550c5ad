using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace AcmePS.ProviderStandIn;

/// <summary>
/// Route53 2013-04-01 (ListHostedZonesByName, ListResourceRecordSets, ChangeResourceRecordSets, GetChange) behind a
/// SigV4 check that recomputes each signature (region us-east-1, service route53), and the EC2 metadata service (IMDSv2).
/// </summary>
public static class Route53
{
    private static readonly XNamespace Ns = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static readonly Dictionary<string, string> Zones = new() { ["Z1EXAMPLE"] = "example.test.", ["Z2DEEP"] = "deep.example.test.", ["Z3PRIVATE"] = "private.test." };
    private static readonly ConcurrentDictionary<string, DateTimeOffset> Changes = new();
    private static readonly ConcurrentDictionary<string, int> Ttls = new();

    public static async Task HandleImds(HttpContext c, StandInState state, string path)
    {
        if (path == "/latest/api/token")
        {
            if (c.Request.Method != "PUT" || string.IsNullOrEmpty(c.Request.Headers["X-aws-ec2-metadata-token-ttl-seconds"])) { c.Response.StatusCode = 400; return; }
            await Http.Text(c, 200, Credentials.ImdsToken);
            return;
        }
        if (c.Request.Headers["X-aws-ec2-metadata-token"] != Credentials.ImdsToken) { c.Response.StatusCode = 401; return; }
        if (path == "/latest/meta-data/iam/security-credentials/") { await Http.Text(c, 200, "standin-role"); return; }
        if (path == "/latest/meta-data/iam/security-credentials/standin-role")
        {
            await Http.Json(c, 200, new JsonObject
            {
                ["Code"] = "Success", ["Type"] = "AWS-HMAC", ["AccessKeyId"] = Credentials.AwsRoleAccessKeyId,
                ["SecretAccessKey"] = Credentials.AwsRoleSecretKey, ["Token"] = Credentials.AwsRoleSessionToken,
                ["Expiration"] = DateTimeOffset.UtcNow.AddHours(6).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            });
            return;
        }
        c.Response.StatusCode = 404;
    }

    public static async Task Handle(HttpContext c, StandInState state, string path, string body)
    {
        string? denied = CheckSignature(c, path, body);
        if (denied != null) { await Error(c, 403, denied.StartsWith("The security token") ? "InvalidClientTokenId" : "SignatureDoesNotMatch", denied); return; }
        string api = path["/route53".Length..];
        var q = c.Request.Query;
        if (api == "/2013-04-01/hostedzonesbyname" && c.Request.Method == "GET")
        {
            string start = q["dnsname"].ToString().TrimEnd('.') + ".";
            var zones = Zones.OrderBy(z => Reverse(z.Value), StringComparer.Ordinal).SkipWhile(z => string.CompareOrdinal(Reverse(z.Value), Reverse(start)) < 0)
                .Take(int.TryParse(q["maxitems"], out int m) ? m : 100);
            await Xml(c, new XElement(Ns + "ListHostedZonesByNameResponse",
                new XElement(Ns + "HostedZones", zones.Select(z => new XElement(Ns + "HostedZone",
                    new XElement(Ns + "Id", "/hostedzone/" + z.Key), new XElement(Ns + "Name", z.Value), new XElement(Ns + "CallerReference", z.Key),
                    new XElement(Ns + "Config", new XElement(Ns + "PrivateZone", z.Key == "Z3PRIVATE" ? "true" : "false")),
                    new XElement(Ns + "ResourceRecordSetCount", 2)))),
                new XElement(Ns + "DNSName", start), new XElement(Ns + "IsTruncated", "false"), new XElement(Ns + "MaxItems", q["maxitems"].ToString())));
            return;
        }
        var parts = api.Trim('/').Split('/');
        if (parts.Length == 3 && parts[1] == "change" && c.Request.Method == "GET")
        {
            if (!Changes.TryGetValue(parts[2], out var at)) { await Error(c, 404, "NoSuchChange", parts[2]); return; }
            await Xml(c, ChangeInfo(parts[2], DateTimeOffset.UtcNow - at > TimeSpan.FromMilliseconds(500) ? "INSYNC" : "PENDING", "GetChangeResponse"));
            return;
        }
        if (parts.Length == 4 && parts[1] == "hostedzone" && parts[3] == "rrset" && Zones.TryGetValue(parts[2], out var zone))
        {
            if (c.Request.Method == "GET")
            {
                string name = StandInState.Norm(q["name"].ToString());
                var values = q["type"] == "TXT" ? state.Get(name) : new List<string>();
                await Xml(c, new XElement(Ns + "ListResourceRecordSetsResponse",
                    new XElement(Ns + "ResourceRecordSets", values.Count == 0 ? null : new XElement(Ns + "ResourceRecordSet",
                        new XElement(Ns + "Name", name.Replace("*", "\\052") + "."), new XElement(Ns + "Type", "TXT"), new XElement(Ns + "TTL", Ttls.GetValueOrDefault(name, 60)),
                        new XElement(Ns + "ResourceRecords", values.Select(v => new XElement(Ns + "ResourceRecord", new XElement(Ns + "Value", "\"" + v + "\"")))))),
                    new XElement(Ns + "IsTruncated", "false"), new XElement(Ns + "MaxItems", q["maxitems"].ToString())));
                return;
            }
            if (c.Request.Method == "POST")
            {
                var doc = XDocument.Parse(body);
                var changes = doc.Descendants(Ns + "Change").ToList();
                if (doc.Root?.Name != Ns + "ChangeResourceRecordSetsRequest" || changes.Count == 0) { await Error(c, 400, "InvalidInput", "no changes"); return; }
                foreach (var change in changes)   // check all first: a batch is all or nothing
                {
                    string? problem = Check(change, zone, state);
                    if (problem != null) { await Error(c, 400, "InvalidChangeBatch", problem); return; }
                }
                foreach (var change in changes)
                {
                    var set = change.Element(Ns + "ResourceRecordSet")!;
                    string name = StandInState.Norm((string)set.Element(Ns + "Name")!);
                    var values = set.Descendants(Ns + "Value").Select(v => Unquote(v.Value)).ToList();
                    Ttls[name] = (int)set.Element(Ns + "TTL")!;
                    await state.SetAsync(name, (string)change.Element(Ns + "Action")! == "DELETE" ? new List<string>() : values);
                }
                string id = "C" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
                Changes[id] = DateTimeOffset.UtcNow;
                await Xml(c, ChangeInfo(id, "PENDING", "ChangeResourceRecordSetsResponse"));
                return;
            }
        }
        await Error(c, 404, "NoSuchHostedZone", api);
    }

    /// <summary>What Route53 refuses: names outside the zone, unquoted values, a DELETE that does not match exactly.</summary>
    private static string? Check(XElement change, string zone, StandInState state)
    {
        string action = (string?)change.Element(Ns + "Action") ?? "";
        var set = change.Element(Ns + "ResourceRecordSet");
        if (set == null || (string?)set.Element(Ns + "Type") != "TXT" || set.Element(Ns + "TTL") == null) return "a TXT ResourceRecordSet with a TTL is needed";
        string name = StandInState.Norm((string?)set.Element(Ns + "Name") ?? "");
        string z = zone.TrimEnd('.');
        if (!(name == z || name.EndsWith("." + z))) return $"RRSet with DNS name {name}. is not permitted in zone {zone}";
        var raw = set.Descendants(Ns + "Value").Select(v => v.Value).ToList();
        if (raw.Count == 0 || raw.Any(v => v.Length < 2 || v[0] != '"' || v[^1] != '"')) return "Invalid Resource Record: TXT values must be quoted";
        if (action == "DELETE")
        {
            var current = state.Get(name);
            var asked = raw.Select(Unquote).ToList();
            if (current.Count != asked.Count || current.Except(asked).Any()) return $"Tried to delete resource record set [name='{name}.', type='TXT'] but the values provided do not match the current values";
        }
        else if (action != "UPSERT" && action != "CREATE") return "unknown action " + action;
        return null;
    }

    private static string? CheckSignature(HttpContext c, string path, string body)
    {
        string auth = c.Request.Headers.Authorization.ToString();
        var m = System.Text.RegularExpressions.Regex.Match(auth, @"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$");
        if (!m.Success) return "Authorization header missing or malformed";
        string keyId = m.Groups[1].Value;
        string? secret = keyId == Credentials.AwsAccessKeyId ? Credentials.AwsSecretKey : keyId == Credentials.AwsRoleAccessKeyId ? Credentials.AwsRoleSecretKey : null;
        if (secret == null) return "The security token included in the request is invalid.";
        if (keyId == Credentials.AwsRoleAccessKeyId && c.Request.Headers["x-amz-security-token"] != Credentials.AwsRoleSessionToken) return "The security token included in the request is invalid.";
        if (m.Groups[3].Value != "us-east-1" || m.Groups[4].Value != "route53") return "Credential should be scoped to a valid region and service route53";
        string amzDate = c.Request.Headers["x-amz-date"].ToString();
        if (!amzDate.StartsWith(m.Groups[2].Value)) return "Date in Credential scope does not match x-amz-date";
        var signed = m.Groups[5].Value.Split(';');
        if (!signed.Contains("host") || !signed.Contains("x-amz-date") || (c.Request.Headers.ContainsKey("x-amz-security-token") && !signed.Contains("x-amz-security-token")))
            return "SignedHeaders must include host, x-amz-date (and x-amz-security-token)";
        var canonical = new StringBuilder();
        canonical.Append(c.Request.Method).Append('\n');
        canonical.Append(string.Join("/", path.Split('/').Select(Encode))).Append('\n');
        canonical.Append(string.Join("&", c.Request.Query.SelectMany(p => p.Value.Select(v => (K: Encode(p.Key), V: Encode(v ?? ""))))
            .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal).Select(p => p.K + "=" + p.V))).Append('\n');
        foreach (string h in signed) canonical.Append(h).Append(':').Append(c.Request.Headers[h].ToString().Trim()).Append('\n');
        canonical.Append('\n').Append(string.Join(";", signed)).Append('\n');
        canonical.Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
        string scope = $"{m.Groups[2].Value}/us-east-1/route53/aws4_request";
        string toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (string part in new[] { m.Groups[2].Value, "us-east-1", "route53", "aws4_request" }) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        string expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        return expected == m.Groups[6].Value ? null : "The request signature we calculated does not match the signature you provided.";
    }

    private static string Encode(string s) => string.Concat(Encoding.UTF8.GetBytes(s).Select(b =>
        (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' ? ((char)b).ToString() : $"%{b:X2}"));

    private static string Unquote(string v) => v.Length >= 2 && v[0] == '"' && v[^1] == '"' ? v[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\") : v;

    private static string Reverse(string name) => string.Join(".", name.TrimEnd('.').Split('.').Reverse()) + ".";

    private static XElement ChangeInfo(string id, string status, string root) =>
        new(Ns + root, new XElement(Ns + "ChangeInfo", new XElement(Ns + "Id", "/change/" + id), new XElement(Ns + "Status", status),
            new XElement(Ns + "SubmittedAt", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"))));

    private static Task Xml(HttpContext c, XElement root) => Http.Text(c, 200, new XDocument(root).ToString(), "text/xml");

    private static Task Error(HttpContext c, int status, string code, string message) =>
        Http.Text(c, status, new XDocument(new XElement(Ns + "ErrorResponse", new XElement(Ns + "Error",
            new XElement(Ns + "Type", "Sender"), new XElement(Ns + "Code", code), new XElement(Ns + "Message", message)),
            new XElement(Ns + "RequestId", Guid.NewGuid()))).ToString(), "text/xml");
}
