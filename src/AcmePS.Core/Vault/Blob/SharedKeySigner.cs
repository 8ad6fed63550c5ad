using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>
    /// Shared Key authorization for the Blob service (the 2009-09-19 and later form):
    /// Authorization: SharedKey &lt;account&gt;:Base64(HMAC-SHA256(key, StringToSign)).
    /// </summary>
    internal sealed class SharedKeySigner
    {
        private readonly byte[] _key;

        public SharedKeySigner(string account, string base64Key)
        {
            Account = account;
            _key = Convert.FromBase64String(base64Key);
        }

        public string Account { get; }

        /// <summary>The header value for a request; <paramref name="headers"/> are the request's headers by name (any case).</summary>
        public string Authorization(string method, Uri uri, IDictionary<string, string> headers, long contentLength) =>
            "SharedKey " + Account + ":" + Sign(StringToSign(Account, method, uri, headers, contentLength));

        public string Sign(string stringToSign)
        {
            var hmac = new HMac(new Sha256Digest());
            hmac.Init(new KeyParameter(_key));
            byte[] data = Encoding.UTF8.GetBytes(stringToSign);
            hmac.BlockUpdate(data, 0, data.Length);
            byte[] mac = new byte[hmac.GetMacSize()];
            hmac.DoFinal(mac, 0);
            return Convert.ToBase64String(mac);
        }

        /// <summary>
        /// VERB, then Content-Encoding, Content-Language, Content-Length (empty for 0), Content-MD5, Content-Type, Date,
        /// If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range, one per line; then the x-ms- headers
        /// (lower-case, sorted, "name:value\n"); then "/account/path" and the query parameters, sorted, "\nname:value".
        /// </summary>
        public static string StringToSign(string account, string method, Uri uri, IDictionary<string, string> headers, long contentLength)
        {
            var h = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
            string Get(string name) => h.TryGetValue(name, out var v) ? v : "";
            var sb = new StringBuilder();
            sb.Append(method.ToUpperInvariant()).Append('\n');
            sb.Append(Get("Content-Encoding")).Append('\n');
            sb.Append(Get("Content-Language")).Append('\n');
            sb.Append(contentLength > 0 ? contentLength.ToString(System.Globalization.CultureInfo.InvariantCulture) : "").Append('\n');
            sb.Append(Get("Content-MD5")).Append('\n');
            sb.Append(Get("Content-Type")).Append('\n');
            sb.Append(h.ContainsKey("x-ms-date") ? "" : Get("Date")).Append('\n');
            foreach (string name in new[] { "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range" })
                sb.Append(Get(name)).Append('\n');
            foreach (var x in h.Where(kv => kv.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                         .Select(kv => new { Name = kv.Key.ToLowerInvariant(), Value = Collapse(kv.Value) })
                         .OrderBy(kv => kv.Name, StringComparer.Ordinal))
                sb.Append(x.Name).Append(':').Append(x.Value).Append('\n');
            sb.Append('/').Append(account).Append(uri.AbsolutePath);
            foreach (var q in ParseQuery(uri.Query).OrderBy(g => g.Key, StringComparer.Ordinal))
                sb.Append('\n').Append(q.Key).Append(':').Append(string.Join(",", q.Value.OrderBy(v => v, StringComparer.Ordinal)));
            return sb.ToString();
        }

        private static string Collapse(string value) => System.Text.RegularExpressions.Regex.Replace(value.Trim(), "\\s+", " ");

        private static Dictionary<string, List<string>> ParseQuery(string query)
        {
            var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (string pair in query.TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string name = Uri.UnescapeDataString(eq < 0 ? pair : pair.Substring(0, eq)).ToLowerInvariant();
                string value = eq < 0 ? "" : Uri.UnescapeDataString(pair.Substring(eq + 1));
                if (!result.TryGetValue(name, out var list)) result[name] = list = new List<string>();
                list.Add(value);
            }
            return result;
        }
    }
}
