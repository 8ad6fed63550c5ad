using System.Security.Cryptography;
using System.Text;
using AcmePS.Core.Crypto;
using AcmePS.Core.Util;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Org.BouncyCastle.Crypto.Parameters;

namespace AcmePS.Core.Jws
{
    /// <summary>The public JWK of a key (RFC 7517) and its thumbprint (RFC 7638).</summary>
    public static class Jwk
    {
        /// <summary>
        /// The JWK with only the required members, in lexicographic order: the very form RFC 7638 hashes,
        /// so one object serves both the "jwk" header and the thumbprint.
        /// </summary>
        public static JObject FromKey(AcmeKey key)
        {
            switch (key.Pair.Public)
            {
                case ECPublicKeyParameters ec:
                    int len = key.Type == KeyType.EC256 ? 32 : 48;
                    return new JObject
                    {
                        ["crv"] = key.Type == KeyType.EC256 ? "P-256" : "P-384",
                        ["kty"] = "EC",
                        ["x"] = Base64Url.Encode(Pad(ec.Q.AffineXCoord.ToBigInteger().ToByteArrayUnsigned(), len)),
                        ["y"] = Base64Url.Encode(Pad(ec.Q.AffineYCoord.ToBigInteger().ToByteArrayUnsigned(), len)),
                    };
                case RsaKeyParameters rsa:
                    return new JObject
                    {
                        ["e"] = Base64Url.Encode(rsa.Exponent.ToByteArrayUnsigned()),
                        ["kty"] = "RSA",
                        ["n"] = Base64Url.Encode(rsa.Modulus.ToByteArrayUnsigned()),
                    };
                default:
                    throw new AcmeException("AcmeKeyTypeInvalid", AcmeErrorKind.InvalidData, "Only EC and RSA keys have a JWK here.");
            }
        }

        /// <summary>RFC 7638 thumbprint: SHA-256 over the canonical JSON of the required members.</summary>
        public static byte[] Thumbprint(JObject jwk)
        {
            string canonical = jwk.ToString(Formatting.None);
            using (var sha = SHA256.Create())
                return sha.ComputeHash(Encoding.UTF8.GetBytes(canonical));
        }

        public static string ThumbprintBase64Url(AcmeKey key) => Base64Url.Encode(Thumbprint(FromKey(key)));

        private static byte[] Pad(byte[] value, int length)
        {
            if (value.Length == length) return value;
            var padded = new byte[length];
            System.Array.Copy(value, 0, padded, length - value.Length, value.Length);
            return padded;
        }
    }
}
