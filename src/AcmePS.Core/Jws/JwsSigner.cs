using System;
using System.Text;
using AcmePS.Core.Crypto;
using AcmePS.Core.Util;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Jws
{
    /// <summary>Builds the flattened JWS JSON that every ACME POST carries (RFC 8555 §6.2).</summary>
    public static class JwsSigner
    {
        /// <summary>
        /// Signs <paramref name="payload"/> (null means POST-as-GET: an empty payload) for <paramref name="url"/>.
        /// With <paramref name="keyId"/> the header names the account ("kid"); without it the public key goes in ("jwk"),
        /// as newAccount and revocation by the certificate's key need.
        /// </summary>
        public static string Sign(AcmeKey key, string url, string nonce, JToken payload, string keyId = null)
        {
            var header = new JObject { ["alg"] = key.JwsAlgorithm };
            if (keyId != null) header["kid"] = keyId;
            else header["jwk"] = Jwk.FromKey(key);
            if (nonce != null) header["nonce"] = nonce;
            header["url"] = url;
            return SignWith(header, payload, key.Sign);
        }

        /// <summary>Signs with any header and signature function (also for the HMAC of External Account Binding).</summary>
        public static string SignWith(JObject header, JToken payload, Func<byte[], byte[]> sign)
        {
            string protectedB64 = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToString(Formatting.None)));
            string payloadB64 = payload == null ? string.Empty
                : Base64Url.Encode(Encoding.UTF8.GetBytes(payload.ToString(Formatting.None)));
            byte[] signature = sign(Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64));
            var jws = new JObject
            {
                ["protected"] = protectedB64,
                ["payload"] = payloadB64,
                ["signature"] = Base64Url.Encode(signature),
            };
            return jws.ToString(Formatting.None);
        }
    }
}
