using System.Security.Cryptography;
using System.Text;
using AcmePS.Core.Crypto;
using AcmePS.Core.Jws;
using AcmePS.Core.Util;

namespace AcmePS.Core.Challenges
{
    /// <summary>What a challenge asks to be published (RFC 8555 §8).</summary>
    public static class ChallengeAnswers
    {
        public const string Dns01 = "dns-01";
        public const string Http01 = "http-01";
        public const string TlsAlpn01 = "tls-alpn-01";

        /// <summary>token "." base64url(JWK thumbprint of the account key) (§8.1).</summary>
        public static string KeyAuthorization(string token, AcmeKey accountKey) => token + "." + Jwk.ThumbprintBase64Url(accountKey);

        /// <summary>The dns-01 TXT value: base64url(SHA-256(key authorization)) (§8.4).</summary>
        public static string Dns01Value(string keyAuthorization)
        {
            using (var sha = SHA256.Create())
                return Base64Url.Encode(sha.ComputeHash(Encoding.ASCII.GetBytes(keyAuthorization)));
        }

        /// <summary>_acme-challenge.&lt;name&gt; with the wildcard label removed, no trailing dot.</summary>
        public static string Dns01RecordName(string identifier)
        {
            string name = identifier.StartsWith("*.") ? identifier.Substring(2) : identifier;
            return "_acme-challenge." + name.TrimEnd('.');
        }

        public static string Http01Path(string token) => "/.well-known/acme-challenge/" + token;
    }
}
