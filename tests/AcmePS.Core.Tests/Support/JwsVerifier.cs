using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace AcmePS.Core.Tests.Support;

/// <summary>Reads and verifies a flattened JWS with BouncyCastle directly: nothing of the engine's JWS code is used.</summary>
public sealed class JwsVerifier
{
    private JwsVerifier(JObject jws)
    {
        Jws = jws;
        ProtectedB64 = (string)jws["protected"];
        PayloadB64 = (string)jws["payload"];
        Signature = FromB64Url((string)jws["signature"]);
        Header = JObject.Parse(Encoding.UTF8.GetString(FromB64Url(ProtectedB64)));
    }

    public JObject Jws { get; }
    public string ProtectedB64 { get; }
    public string PayloadB64 { get; }
    public byte[] Signature { get; }
    public JObject Header { get; }
    public string PayloadText => Encoding.UTF8.GetString(FromB64Url(PayloadB64));

    public static JwsVerifier Parse(string flattened) => new(JObject.Parse(flattened));

    public bool Verify(AsymmetricKeyParameter publicKey) => Verify(publicKey, (string)Header["alg"], ProtectedB64 + "." + PayloadB64, Signature);

    public static bool Verify(AsymmetricKeyParameter publicKey, string alg, string signingInput, byte[] signature)
    {
        byte[] data = Encoding.ASCII.GetBytes(signingInput);
        switch (alg)
        {
            case "ES256":
            case "ES384":
                int len = alg == "ES256" ? 32 : 48;
                if (signature.Length != 2 * len) return false;
                byte[] hash = alg == "ES256" ? SHA256.HashData(data) : SHA384.HashData(data);
                var r = new BigInteger(1, signature, 0, len);
                var s = new BigInteger(1, signature, len, len);
                var ecdsa = new ECDsaSigner();
                ecdsa.Init(false, publicKey);
                return ecdsa.VerifySignature(hash, r, s);
            case "RS256":
                var rsa = SignerUtilities.GetSigner("SHA256WITHRSA");
                rsa.Init(false, publicKey);
                rsa.BlockUpdate(data, 0, data.Length);
                return rsa.VerifySignature(signature);
            default:
                throw new ArgumentException("unexpected alg " + alg);
        }
    }

    /// <summary>The public key a JWK describes (RFC 7518 §6.2/§6.3), built from its members alone.</summary>
    public static AsymmetricKeyParameter PublicKeyFromJwk(JObject jwk)
    {
        switch ((string)jwk["kty"])
        {
            case "EC":
                X9ECParameters curve = ECNamedCurveTable.GetByName((string)jwk["crv"]) ?? throw new ArgumentException("curve");
                var point = curve.Curve.CreatePoint(new BigInteger(1, FromB64Url((string)jwk["x"])), new BigInteger(1, FromB64Url((string)jwk["y"])));
                return new ECPublicKeyParameters(point, new ECDomainParameters(curve));
            case "RSA":
                return new RsaKeyParameters(false, new BigInteger(1, FromB64Url((string)jwk["n"])), new BigInteger(1, FromB64Url((string)jwk["e"])));
            default:
                throw new ArgumentException("kty");
        }
    }

    public static byte[] FromB64Url(string s)
    {
        string b64 = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='));
    }
}
