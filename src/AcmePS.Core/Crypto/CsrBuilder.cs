using System.Collections.Generic;
using System.Linq;
using System.Net;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Pkcs;

namespace AcmePS.Core.Crypto
{
    /// <summary>Builds the PKCS#10 request that finalize sends (RFC 8555 §7.4).</summary>
    public static class CsrBuilder
    {
        /// <summary>
        /// A CSR for <paramref name="dnsNames"/> (and IP addresses): every name as a SAN; the first DNS name as CN when it
        /// fits the 64-character limit of RFC 5280 (CAs take names from the SANs; the CN is only for old software).
        /// </summary>
        public static byte[] Build(AcmeKey key, IReadOnlyList<string> dnsNames, IReadOnlyList<string> ipAddresses = null)
        {
            var names = new List<GeneralName>();
            names.AddRange(dnsNames.Select(n => new GeneralName(GeneralName.DnsName, n)));
            if (ipAddresses != null)
                names.AddRange(ipAddresses.Select(ip => new GeneralName(GeneralName.IPAddress, IPAddress.Parse(ip).ToString())));

            var extensions = new X509ExtensionsGenerator();
            extensions.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(names.ToArray()));
            var attribute = new AttributePkcs(PkcsObjectIdentifiers.Pkcs9AtExtensionRequest, new DerSet(extensions.Generate()));

            string cn = dnsNames.FirstOrDefault(n => n.Length <= 64);
            var subject = cn != null ? new X509Name("CN=" + cn) : new X509Name(new List<DerObjectIdentifier>(), new List<string>());
            var signer = new Asn1SignatureFactory(key.SignatureAlgorithm, key.Pair.Private);
            var csr = new Pkcs10CertificationRequest(signer, subject, key.Pair.Public, new DerSet(attribute));
            return csr.GetDerEncoded();
        }
    }
}
