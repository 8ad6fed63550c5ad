using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AcmePS.Core.Crypto;
using AcmePS.Core.Jws;
using AcmePS.Core.Util;

namespace AcmePS.Core.Challenges
{
    /// <summary>What a challenge asks to be published (RFC 8555 §8, RFC 8737, and the dns-account-01 and dns-persist-01 drafts).</summary>
    public static class ChallengeAnswers
    {
        public const string Dns01 = "dns-01";
        public const string Http01 = "http-01";
        public const string TlsAlpn01 = "tls-alpn-01";
        /// <summary>draft-ietf-acme-dns-account-label: dns-01 at a record name of the account's own.</summary>
        public const string DnsAccount01 = "dns-account-01";
        /// <summary>draft-ietf-acme-dns-persist: a lasting TXT record naming the CA and the account; no token.</summary>
        public const string DnsPersist01 = "dns-persist-01";

        /// <summary>The challenge types the engine computes answers for.</summary>
        public static readonly IReadOnlyList<string> Known = new[] { Dns01, Http01, TlsAlpn01, DnsAccount01, DnsPersist01 };

        /// <summary>token "." base64url(JWK thumbprint of the account key) (§8.1).</summary>
        public static string KeyAuthorization(string token, AcmeKey accountKey) => token + "." + Jwk.ThumbprintBase64Url(accountKey);

        /// <summary>The dns-01 (and dns-account-01) TXT value: base64url(SHA-256(key authorization)) (§8.4).</summary>
        public static string Dns01Value(string keyAuthorization) => Base64Url.Encode(Sha256(keyAuthorization));

        /// <summary>_acme-challenge.&lt;name&gt; with the wildcard label removed, no trailing dot.</summary>
        public static string Dns01RecordName(string identifier) => "_acme-challenge." + BaseName(identifier);

        public static string Http01Path(string token) => "/.well-known/acme-challenge/" + token;

        /// <summary>
        /// The dns-account-01 label: "_" + base32(SHA-256(account URL)[0:10]), lower case (16 characters after the "_"),
        /// the account URL being the Location the CA gave the account.
        /// </summary>
        public static string DnsAccountLabel(Uri accountUrl)
        {
            if (accountUrl == null) throw new ArgumentNullException(nameof(accountUrl));
            byte[] first10 = Sha256(accountUrl.OriginalString).Take(10).ToArray();
            return "_" + Base32.Encode(first10).ToLowerInvariant();
        }

        /// <summary>_&lt;account label&gt;._acme-challenge.&lt;name&gt; (wildcard label removed, no trailing dot).</summary>
        public static string DnsAccount01RecordName(string identifier, Uri accountUrl) =>
            DnsAccountLabel(accountUrl) + "._acme-challenge." + BaseName(identifier);

        /// <summary>_validation-persist.&lt;name&gt; (wildcard label removed, no trailing dot).</summary>
        public static string DnsPersist01RecordName(string identifier) => "_validation-persist." + BaseName(identifier);

        /// <summary>
        /// The dns-persist-01 TXT value, in CAA issue-value syntax: "&lt;issuer domain name&gt;; accounturi=&lt;account URL&gt;",
        /// with "; policy=wildcard" for a wildcard name and "; persistUntil=&lt;unix seconds&gt;" when given.
        /// </summary>
        public static string DnsPersist01Value(string issuerDomainName, Uri accountUrl, bool wildcard, DateTimeOffset? persistUntil = null)
        {
            if (string.IsNullOrWhiteSpace(issuerDomainName))
                throw new AcmeException("AcmeChallengeInvalid", AcmeErrorKind.InvalidData,
                    "The CA's dns-persist-01 challenge names no issuer domain (issuer-domain-names is empty).");
            if (accountUrl == null) throw new ArgumentNullException(nameof(accountUrl));
            var value = new StringBuilder(issuerDomainName.Trim().TrimEnd('.').ToLowerInvariant());
            value.Append("; accounturi=").Append(accountUrl.OriginalString);
            if (wildcard) value.Append("; policy=wildcard");
            if (persistUntil.HasValue) value.Append("; persistUntil=").Append(persistUntil.Value.ToUnixTimeSeconds());
            return value.ToString();
        }

        /// <summary>
        /// The TLS server name a CA sends for a tls-alpn-01 validation: the name itself, or for an IP address the
        /// reverse-DNS name (RFC 8738 §6: 1.0.0.127.in-addr.arpa, or the nibbles under ip6.arpa).
        /// </summary>
        public static string TlsAlpnServerName(string identifier)
        {
            if (!IPAddress.TryParse(identifier, out IPAddress ip)) return identifier.TrimEnd('.').ToLowerInvariant();
            byte[] bytes = ip.GetAddressBytes();
            if (bytes.Length == 4) return string.Join(".", bytes.Reverse().Select(b => b.ToString())) + ".in-addr.arpa";
            var nibbles = new List<string>();
            foreach (byte b in bytes.Reverse())
            {
                nibbles.Add((b & 0xF).ToString("x"));
                nibbles.Add((b >> 4).ToString("x"));
            }
            return string.Join(".", nibbles) + ".ip6.arpa";
        }

        /// <summary>SHA-256 of the key authorization: the value of the tls-alpn-01 certificate's acmeIdentifier extension.</summary>
        public static byte[] TlsAlpnDigest(string keyAuthorization) => Sha256(keyAuthorization);

        private static string BaseName(string identifier)
        {
            string name = identifier.StartsWith("*.") ? identifier.Substring(2) : identifier;
            return name.TrimEnd('.');
        }

        private static byte[] Sha256(string text)
        {
            using (var sha = SHA256.Create())
                return sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        }
    }
}
