using System;
using System.Security.Cryptography;
using AcmePS.Core.Crypto;
using AcmePS.Core.Util;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Jws
{
    /// <summary>
    /// External Account Binding (RFC 8555 §7.3.4): the key id and HMAC key a CA gives out of band, which newAccount
    /// carries as a JWS over the account's public JWK. The HMAC key never appears in a message or in ToString.
    /// </summary>
    public sealed class ExternalAccountBinding
    {
        private readonly byte[] _hmacKey;

        private ExternalAccountBinding(string keyId, byte[] hmacKey, string algorithm)
        {
            KeyId = keyId;
            _hmacKey = hmacKey;
            Algorithm = algorithm;
        }

        public string KeyId { get; }

        /// <summary>HS256, HS384 or HS512.</summary>
        public string Algorithm { get; }

        /// <summary>
        /// Checks the parameters as a CA gives them (the HMAC key base64url-encoded) before anything is sent:
        /// AcmeEabKeyInvalid when the key is not base64url or is empty.
        /// </summary>
        public static ExternalAccountBinding Create(string keyId, string hmacKeyBase64Url, string algorithm = "HS256")
        {
            if (string.IsNullOrWhiteSpace(keyId))
                throw new AcmeException("AcmeEabKeyIdInvalid", AcmeErrorKind.InvalidArgument, "The External Account Binding key id is empty.");
            string alg = (algorithm ?? "HS256").ToUpperInvariant();
            if (alg != "HS256" && alg != "HS384" && alg != "HS512")
                throw new AcmeException("AcmeEabAlgorithmInvalid", AcmeErrorKind.InvalidArgument,
                    $"'{algorithm}' is not an External Account Binding algorithm (HS256, HS384 or HS512).") { Target = algorithm };
            byte[] key = null;
            string text = (hmacKeyBase64Url ?? string.Empty).Trim().TrimEnd('=');
            bool wellFormed = text.Length > 0;
            foreach (char c in text)
            {
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) wellFormed = false;
            }
            if (wellFormed)
            {
                try
                {
                    key = Base64Url.Decode(text);
                }
                catch (FormatException)
                {
                }
            }
            // The message never quotes the key: it is a secret.
            if (key == null || key.Length == 0)
                throw new AcmeException("AcmeEabKeyInvalid", AcmeErrorKind.InvalidArgument,
                    "The External Account Binding HMAC key is not valid base64url (as the CA gives it: letters, digits, '-' and '_').");
            return new ExternalAccountBinding(keyId.Trim(), key, alg);
        }

        /// <summary>The externalAccountBinding member of the newAccount payload (flattened JWS, no nonce).</summary>
        public JObject Sign(AcmeKey accountKey, Uri newAccountUrl)
        {
            var header = new JObject { ["alg"] = Algorithm, ["kid"] = KeyId, ["url"] = newAccountUrl.AbsoluteUri };
            return JObject.Parse(JwsSigner.SignWith(header, Jwk.FromKey(accountKey), Mac));
        }

        private byte[] Mac(byte[] data)
        {
            using (HMAC hmac = Algorithm == "HS512" ? new HMACSHA512(_hmacKey) : Algorithm == "HS384" ? (HMAC)new HMACSHA384(_hmacKey) : new HMACSHA256(_hmacKey))
                return hmac.ComputeHash(data);
        }

        public override string ToString() => $"EAB {KeyId} ({Algorithm})";
    }
}
