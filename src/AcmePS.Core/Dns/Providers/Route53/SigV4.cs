using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace AcmePS.Core.Dns.Providers.Route53
{
    /// <summary>AWS credentials: an access key, its secret and, for temporary credentials, a session token.</summary>
    public sealed class AwsCredentials
    {
        public AwsCredentials(string accessKeyId, string secretAccessKey, string sessionToken = null, DateTimeOffset? expiration = null)
        {
            AccessKeyId = accessKeyId;
            SecretAccessKey = secretAccessKey;
            SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
            Expiration = expiration;
        }

        public string AccessKeyId { get; }
        public string SecretAccessKey { get; }
        public string SessionToken { get; }
        public DateTimeOffset? Expiration { get; }
    }

    /// <summary>
    /// AWS Signature Version 4 (header form): canonical request, string to sign, signing key, Authorization header.
    /// Checked against the AWS SigV4 test suite (see SigV4Tests).
    /// </summary>
    public static class SigV4
    {
        private static readonly Regex Spaces = new Regex(" +", RegexOptions.Compiled);

        /// <summary>
        /// The canonical request. <paramref name="path"/> is the decoded path ("/2013-04-01/hostedzone/Z1/rrset");
        /// <paramref name="query"/> the raw query string without '?'; <paramref name="headers"/> every header to sign.
        /// </summary>
        public static string CanonicalRequest(string method, string path, string query, IEnumerable<KeyValuePair<string, string>> headers,
            byte[] payload, out string signedHeaders)
        {
            var grouped = headers
                .GroupBy(h => h.Key.Trim().ToLowerInvariant())
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Key + ":" + string.Join(",", g.Select(h => Spaces.Replace(h.Value.Trim(), " "))))
                .ToList();
            signedHeaders = string.Join(";", headers.Select(h => h.Key.Trim().ToLowerInvariant()).Distinct().OrderBy(n => n, StringComparer.Ordinal));
            var sb = new StringBuilder();
            sb.Append(method.ToUpperInvariant()).Append('\n');
            sb.Append(CanonicalPath(path)).Append('\n');
            sb.Append(CanonicalQuery(query)).Append('\n');
            foreach (string line in grouped) sb.Append(line).Append('\n');
            sb.Append('\n');
            sb.Append(signedHeaders).Append('\n');
            sb.Append(HexSha256(payload ?? new byte[0]));
            return sb.ToString();
        }

        public static string Scope(DateTimeOffset time, string region, string service) =>
            $"{time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/{service}/aws4_request";

        public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        public static string StringToSign(string canonicalRequest, DateTimeOffset time, string region, string service) =>
            "AWS4-HMAC-SHA256\n" + AmzDate(time) + "\n" + Scope(time, region, service) + "\n" + HexSha256(Encoding.UTF8.GetBytes(canonicalRequest));

        public static string Signature(string secretAccessKey, DateTimeOffset time, string region, string service, string stringToSign)
        {
            byte[] key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            key = Hmac(key, region);
            key = Hmac(key, service);
            key = Hmac(key, "aws4_request");
            return Hex(Hmac(key, stringToSign));
        }

        /// <summary>The Authorization header value for a request whose headers (with host and x-amz-date) are given.</summary>
        public static string Authorization(AwsCredentials credentials, string region, string service, DateTimeOffset time,
            string method, string path, string query, IEnumerable<KeyValuePair<string, string>> headers, byte[] payload)
        {
            string canonical = CanonicalRequest(method, path, query, headers, payload, out string signed);
            string signature = Signature(credentials.SecretAccessKey, time, region, service, StringToSign(canonical, time, region, service));
            return $"AWS4-HMAC-SHA256 Credential={credentials.AccessKeyId}/{Scope(time, region, service)}, SignedHeaders={signed}, Signature={signature}";
        }

        private static string CanonicalPath(string path)
        {
            if (string.IsNullOrEmpty(path)) return "/";
            return string.Join("/", path.Split('/').Select(Encode));
        }

        private static string CanonicalQuery(string query)
        {
            if (string.IsNullOrEmpty(query)) return "";
            return string.Join("&", query.Split('&').Where(p => p.Length > 0)
                .Select(p =>
                {
                    int eq = p.IndexOf('=');
                    string k = eq < 0 ? p : p.Substring(0, eq), v = eq < 0 ? "" : p.Substring(eq + 1);
                    return (Key: Encode(Uri.UnescapeDataString(k)), Value: Encode(Uri.UnescapeDataString(v)));
                })
                .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
                .Select(p => p.Key + "=" + p.Value));
        }

        /// <summary>RFC 3986 percent-encoding of everything but the unreserved characters, upper-case hex, UTF-8.</summary>
        public static string Encode(string text)
        {
            var sb = new StringBuilder();
            foreach (byte b in Encoding.UTF8.GetBytes(text))
            {
                char c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') sb.Append(c);
                else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            return sb.ToString();
        }

        public static string HexSha256(byte[] data)
        {
            var digest = new Sha256Digest();
            digest.BlockUpdate(data, 0, data.Length);
            var result = new byte[digest.GetDigestSize()];
            digest.DoFinal(result, 0);
            return Hex(result);
        }

        private static byte[] Hmac(byte[] key, string data)
        {
            var mac = new HMac(new Sha256Digest());
            mac.Init(new KeyParameter(key));
            var bytes = Encoding.UTF8.GetBytes(data);
            mac.BlockUpdate(bytes, 0, bytes.Length);
            var result = new byte[mac.GetMacSize()];
            mac.DoFinal(result, 0);
            return result;
        }

        private static string Hex(byte[] data) => Util.Hex.Upper(data).ToLowerInvariant();
    }
}
