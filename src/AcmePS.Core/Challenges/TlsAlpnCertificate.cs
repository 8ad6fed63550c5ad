using System;
using System.Net;
using AcmePS.Core.Crypto;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace AcmePS.Core.Challenges
{
    /// <summary>
    /// The self-signed certificate a tls-alpn-01 responder serves (RFC 8737 §3): one subjectAltName, the identifier
    /// (a dNSName, or an iPAddress for an IP identifier, RFC 8738 §6), and the critical acmeIdentifier extension whose
    /// value is the DER OCTET STRING of SHA-256(key authorization). A P-256 key of its own, never stored.
    /// </summary>
    public sealed class TlsAlpnCertificate
    {
        /// <summary>id-pe-acmeIdentifier.</summary>
        public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

        private TlsAlpnCertificate(string identifier, string keyAuthorization, X509Certificate certificate, AcmeKey key)
        {
            Identifier = identifier;
            KeyAuthorization = keyAuthorization;
            Certificate = certificate;
            Key = key;
        }

        public string Identifier { get; }

        public string KeyAuthorization { get; }

        /// <summary>The server name a CA sends (SNI): the name, or the reverse-DNS name of an IP address.</summary>
        public string ServerName => ChallengeAnswers.TlsAlpnServerName(Identifier);

        public X509Certificate Certificate { get; }

        internal AcmeKey Key { get; }

        public byte[] GetEncoded() => Certificate.GetEncoded();

        public static TlsAlpnCertificate Create(string identifier, string keyAuthorization)
        {
            if (string.IsNullOrWhiteSpace(identifier) || identifier.StartsWith("*."))
                throw new AcmeException("AcmeTlsAlpnIdentifierInvalid", AcmeErrorKind.InvalidArgument,
                    $"'{identifier}' cannot be validated with tls-alpn-01 (a DNS name or an IP address, no wildcard).") { Target = identifier };
            if (string.IsNullOrEmpty(keyAuthorization))
                throw new AcmeException("AcmeTlsAlpnKeyAuthorizationMissing", AcmeErrorKind.InvalidArgument,
                    $"The tls-alpn-01 challenge for '{identifier}' has no key authorization.") { Target = identifier };
            var key = AcmeKey.Generate(KeyType.EC256);
            var name = new X509Name("CN=ACME tls-alpn-01 challenge");
            var generator = new X509V3CertificateGenerator();
            var random = new SecureRandom();
            generator.SetSerialNumber(new BigInteger(128, random).Add(BigInteger.One));
            generator.SetIssuerDN(name);
            generator.SetSubjectDN(name);
            var now = DateTime.UtcNow;
            generator.SetNotBefore(now.AddDays(-1));
            generator.SetNotAfter(now.AddDays(7));
            generator.SetPublicKey(key.Pair.Public);
            var san = IPAddress.TryParse(identifier, out _)
                ? new GeneralName(GeneralName.IPAddress, identifier)
                : new GeneralName(GeneralName.DnsName, identifier.TrimEnd('.').ToLowerInvariant());
            generator.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(san));
            generator.AddExtension(new DerObjectIdentifier(AcmeIdentifierOid), true,
                new DerOctetString(ChallengeAnswers.TlsAlpnDigest(keyAuthorization)));
            var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", key.Pair.Private, random));
            return new TlsAlpnCertificate(identifier, keyAuthorization, certificate, key);
        }
    }
}
