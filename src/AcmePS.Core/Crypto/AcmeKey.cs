using System;
using System.IO;
using System.Text;
using AcmePS.Core.Util;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace AcmePS.Core.Crypto
{
    /// <summary>
    /// An asymmetric key pair (account key or certificate key): generation, PEM in and out, the JWK
    /// and the JWS signature in the form RFC 7518 wants (R||S for ECDSA).
    /// </summary>
    public sealed class AcmeKey
    {
        private static readonly SecureRandom Random = new SecureRandom();

        private AcmeKey(AsymmetricCipherKeyPair pair, KeyType type)
        {
            Pair = pair;
            Type = type;
        }

        public AsymmetricCipherKeyPair Pair { get; }

        public KeyType Type { get; }

        public bool IsEC => Type == KeyType.EC256 || Type == KeyType.EC384;

        /// <summary>The JWS "alg" for this key.</summary>
        public string JwsAlgorithm => Type == KeyType.EC256 ? "ES256" : Type == KeyType.EC384 ? "ES384" : "RS256";

        /// <summary>The CSR and certificate signature algorithm for this key.</summary>
        public string SignatureAlgorithm => Type == KeyType.EC256 ? "SHA256WITHECDSA"
            : Type == KeyType.EC384 ? "SHA384WITHECDSA" : "SHA256WITHRSA";

        public static AcmeKey Generate(KeyType type)
        {
            IAsymmetricCipherKeyPairGenerator gen;
            switch (type)
            {
                case KeyType.EC256:
                case KeyType.EC384:
                    gen = new ECKeyPairGenerator("EC");
                    var oid = type == KeyType.EC256 ? SecObjectIdentifiers.SecP256r1 : SecObjectIdentifiers.SecP384r1;
                    gen.Init(new ECKeyGenerationParameters(oid, Random));
                    break;
                default:
                    int bits = type == KeyType.RSA2048 ? 2048 : type == KeyType.RSA3072 ? 3072 : 4096;
                    gen = new RsaKeyPairGenerator();
                    gen.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), Random, bits, 100));
                    break;
            }
            return new AcmeKey(gen.GenerateKeyPair(), type);
        }

        /// <summary>Reads a private key PEM (PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY").</summary>
        public static AcmeKey FromPem(string pem)
        {
            object obj;
            try
            {
                using (var reader = new StringReader(pem ?? string.Empty))
                    obj = new PemReader(reader).ReadObject();
            }
            catch (Exception ex)
            {
                throw new AcmeException("AcmeKeyInvalid", AcmeErrorKind.InvalidData, "The key file is not a readable PEM private key.", ex);
            }
            AsymmetricCipherKeyPair pair = obj as AsymmetricCipherKeyPair;
            if (pair == null && obj is AsymmetricKeyParameter priv && priv.IsPrivate)
                pair = new AsymmetricCipherKeyPair(PublicFromPrivate(priv), priv);
            if (pair == null)
                throw new AcmeException("AcmeKeyInvalid", AcmeErrorKind.InvalidData, "The PEM holds no private key.");
            return new AcmeKey(pair, Classify(pair.Public));
        }

        private static AsymmetricKeyParameter PublicFromPrivate(AsymmetricKeyParameter priv)
        {
            switch (priv)
            {
                case ECPrivateKeyParameters ec:
                    var q = ec.Parameters.G.Multiply(ec.D).Normalize();
                    return new ECPublicKeyParameters(ec.AlgorithmName, q, ec.Parameters);
                case RsaPrivateCrtKeyParameters rsa:
                    return new RsaKeyParameters(false, rsa.Modulus, rsa.PublicExponent);
                default:
                    throw new AcmeException("AcmeKeyTypeInvalid", AcmeErrorKind.InvalidData, "Only EC (P-256, P-384) and RSA keys are supported.");
            }
        }

        private static readonly X9ECParameters P256 = ECNamedCurveTable.GetByOid(SecObjectIdentifiers.SecP256r1);
        private static readonly X9ECParameters P384 = ECNamedCurveTable.GetByOid(SecObjectIdentifiers.SecP384r1);

        private static KeyType Classify(AsymmetricKeyParameter pub)
        {
            switch (pub)
            {
                // The curve itself, not just its size: secp256k1 or brainpoolP256r1 are no P-256.
                case ECPublicKeyParameters ec when IsCurve(ec.Parameters, P256):
                    return KeyType.EC256;
                case ECPublicKeyParameters ec when IsCurve(ec.Parameters, P384):
                    return KeyType.EC384;
                case RsaKeyParameters rsa:
                    int bits = rsa.Modulus.BitLength;
                    if (bits < 2048)
                        throw new AcmeException("AcmeKeyTypeInvalid", AcmeErrorKind.InvalidData, $"An RSA key of {bits} bits is too weak: CAs require at least 2048.");
                    if (bits <= 2048) return KeyType.RSA2048;
                    if (bits <= 3072) return KeyType.RSA3072;
                    return KeyType.RSA4096;
            }
            throw new AcmeException("AcmeKeyTypeInvalid", AcmeErrorKind.InvalidData, "Only EC (P-256, P-384) and RSA keys are supported.");
        }

        private static bool IsCurve(ECDomainParameters parameters, X9ECParameters named) =>
            parameters.Curve.Equals(named.Curve) && parameters.G.Equals(named.G) && parameters.N.Equals(named.N);

        /// <summary>True when this is the key of <paramref name="certificate"/> (its public key is the certificate's).</summary>
        public bool IsKeyOf(X509Certificate certificate) => certificate.GetPublicKey().Equals(Pair.Public);

        /// <summary>The private key as PKCS#8 PEM ("PRIVATE KEY").</summary>
        public string ToPem()
        {
            var info = PrivateKeyInfoFactory.CreatePrivateKeyInfo(Pair.Private);
            return Pem("PRIVATE KEY", info.GetDerEncoded());
        }

        public byte[] PublicKeyDer() => SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(Pair.Public).GetDerEncoded();

        internal static string Pem(string label, byte[] der)
        {
            var sb = new StringBuilder();
            sb.Append("-----BEGIN ").Append(label).Append("-----\n");
            string b64 = Convert.ToBase64String(der);
            for (int i = 0; i < b64.Length; i += 64)
                sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
            sb.Append("-----END ").Append(label).Append("-----\n");
            return sb.ToString();
        }

        /// <summary>Signs <paramref name="data"/> as JWS wants it: RSASSA-PKCS1-v1_5 or ECDSA with R||S.</summary>
        public byte[] Sign(byte[] data)
        {
            if (IsEC)
            {
                IDigest digest = Type == KeyType.EC256 ? (IDigest)new Org.BouncyCastle.Crypto.Digests.Sha256Digest()
                                                       : new Org.BouncyCastle.Crypto.Digests.Sha384Digest();
                var hash = new byte[digest.GetDigestSize()];
                digest.BlockUpdate(data, 0, data.Length);
                digest.DoFinal(hash, 0);
                // Deterministic k (RFC 6979): no dependence on the quality of a random source at signing time.
                var signer = new ECDsaSigner(new HMacDsaKCalculator(Type == KeyType.EC256
                    ? (IDigest)new Org.BouncyCastle.Crypto.Digests.Sha256Digest() : new Org.BouncyCastle.Crypto.Digests.Sha384Digest()));
                signer.Init(true, Pair.Private);
                BigInteger[] rs = signer.GenerateSignature(hash);
                int len = Type == KeyType.EC256 ? 32 : 48;
                var sig = new byte[len * 2];
                rs[0].ToByteArrayUnsigned().CopyTo(sig, len - rs[0].ToByteArrayUnsigned().Length);
                rs[1].ToByteArrayUnsigned().CopyTo(sig, 2 * len - rs[1].ToByteArrayUnsigned().Length);
                return sig;
            }
            var rsa = SignerUtilities.GetSigner("SHA256WITHRSA");
            rsa.Init(true, Pair.Private);
            rsa.BlockUpdate(data, 0, data.Length);
            return rsa.GenerateSignature();
        }
    }
}
