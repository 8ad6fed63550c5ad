using System;
using System.IO;
using System.Linq;
using System.Text;
using AcmePS.Core.Util;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace AcmePS.Core.Dns.Providers.Azure
{
    /// <summary>
    /// A service principal's certificate credential: the client assertion (RFC 7523 JWT, RS256, header x5t = SHA-1
    /// thumbprint) that Microsoft Entra ID takes instead of a client secret.
    /// </summary>
    public sealed class ClientAssertion
    {
        private readonly AsymmetricKeyParameter _key;

        private ClientAssertion(X509Certificate certificate, AsymmetricKeyParameter key)
        {
            Certificate = certificate;
            _key = key;
            if (!(key is RsaKeyParameters))
                throw new AcmeException("AcmePluginCertificateInvalid", AcmeErrorKind.InvalidArgument,
                    "The service principal's certificate must have an RSA key (Microsoft Entra ID signs client assertions with RS256).");
        }

        /// <remarks>Internal: a BouncyCastle type, which the cmdlets assembly must not see.</remarks>
        internal X509Certificate Certificate { get; }

        /// <summary>SHA-1 of the certificate, as Entra ID shows it (upper-case hex).</summary>
        public string Thumbprint => Hex.Upper(DigestUtilities.CalculateDigest("SHA-1", Certificate.GetEncoded()));

        /// <summary>From a PFX/PKCS#12 file (with its password) or a PEM file holding the certificate and its key.</summary>
        public static ClientAssertion Load(byte[] file, string password)
        {
            try
            {
                string text = Encoding.ASCII.GetString(file);
                return text.Contains("-----BEGIN") ? FromPem(text, password) : FromPfx(file, password);
            }
            catch (Exception ex) when (!(ex is AcmeException))
            {
                throw new AcmeException("AcmePluginCertificateInvalid", AcmeErrorKind.InvalidArgument,
                    "The certificate file could not be read as PFX or PEM with a private key (wrong password?): " + ex.GetType().Name, ex);
            }
        }

        private static ClientAssertion FromPfx(byte[] file, string password)
        {
            var store = new Pkcs12StoreBuilder().Build();
            store.Load(new MemoryStream(file), (password ?? "").ToCharArray());
            string alias = store.Aliases.Cast<string>().FirstOrDefault(store.IsKeyEntry)
                ?? throw new InvalidDataException("no private key in the PFX");
            return new ClientAssertion(store.GetCertificate(alias).Certificate, store.GetKey(alias).Key);
        }

        private static ClientAssertion FromPem(string text, string password)
        {
            X509Certificate certificate = null;
            AsymmetricKeyParameter key = null;
            var reader = new PemReader(new StringReader(text), password == null ? null : new Finder(password));
            object item;
            while ((item = reader.ReadObject()) != null)
            {
                switch (item)
                {
                    case X509Certificate c when certificate == null: certificate = c; break;
                    case AsymmetricCipherKeyPair pair: key = pair.Private; break;
                    case AsymmetricKeyParameter k when k.IsPrivate: key = k; break;
                }
            }
            if (certificate == null || key == null) throw new InvalidDataException("the PEM needs a certificate and its private key");
            return new ClientAssertion(certificate, key);
        }

        private sealed class Finder : IPasswordFinder
        {
            private readonly string _password;
            public Finder(string password) => _password = password;
            public char[] GetPassword() => _password.ToCharArray();
        }

        /// <summary>The signed JWT for <paramref name="tokenEndpoint"/> (the audience), valid 10 minutes from <paramref name="now"/>.</summary>
        public string Create(string clientId, Uri tokenEndpoint, DateTimeOffset now)
        {
            var header = new JObject
            {
                ["alg"] = "RS256",
                ["typ"] = "JWT",
                ["x5t"] = Base64Url.Encode(DigestUtilities.CalculateDigest("SHA-1", Certificate.GetEncoded())),
            };
            long iat = now.ToUnixTimeSeconds();
            var claims = new JObject
            {
                ["aud"] = tokenEndpoint.AbsoluteUri,
                ["iss"] = clientId,
                ["sub"] = clientId,
                ["jti"] = Guid.NewGuid().ToString(),
                ["nbf"] = iat,
                ["iat"] = iat,
                ["exp"] = iat + 600,
            };
            string input = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToString(Formatting.None))) + "."
                + Base64Url.Encode(Encoding.UTF8.GetBytes(claims.ToString(Formatting.None)));
            var signer = SignerUtilities.GetSigner("SHA-256withRSA");
            signer.Init(true, _key);
            var data = Encoding.ASCII.GetBytes(input);
            signer.BlockUpdate(data, 0, data.Length);
            return input + "." + Base64Url.Encode(signer.GenerateSignature());
        }
    }
}
