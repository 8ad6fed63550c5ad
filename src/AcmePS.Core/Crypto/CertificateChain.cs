using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using AcmePS.Core.Util;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace AcmePS.Core.Crypto
{
    /// <summary>A PEM certificate chain as the CA sends it: the end-entity certificate first, then its issuers.</summary>
    public sealed class CertificateChain
    {
        private CertificateChain(IReadOnlyList<X509Certificate> certificates, string pem)
        {
            Certificates = certificates;
            Pem = pem;
        }

        public IReadOnlyList<X509Certificate> Certificates { get; }

        public string Pem { get; }

        public X509Certificate Leaf => Certificates[0];

        public static CertificateChain Parse(string pem)
        {
            var parser = new X509CertificateParser();
            List<X509Certificate> certs;
            try
            {
                using (var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(pem ?? string.Empty)))
                    certs = parser.ReadCertificates(stream).ToList();
            }
            catch (Exception ex)
            {
                throw new AcmeException("AcmeCertificateInvalid", AcmeErrorKind.InvalidData, "The certificate PEM could not be read.", ex);
            }
            if (certs.Count == 0)
                throw new AcmeException("AcmeCertificateInvalid", AcmeErrorKind.InvalidData, "The PEM holds no certificate.");
            return new CertificateChain(certs, pem);
        }

        /// <summary>DNS names (and IP addresses) of the end-entity certificate's SAN extension.</summary>
        public static IReadOnlyList<string> SubjectAlternativeNames(X509Certificate cert)
        {
            var result = new List<string>();
            var sans = cert.GetSubjectAlternativeNames();
            if (sans == null) return result;
            foreach (var entry in sans)
            {
                int tag = Convert.ToInt32(entry[0]);
                if (tag == GeneralName.DnsName) result.Add(entry[1].ToString());
                else if (tag == GeneralName.IPAddress && System.Net.IPAddress.TryParse(entry[1].ToString(), out var ip))
                    result.Add(ip.ToString().ToLowerInvariant());
            }
            return result;
        }

        /// <summary>The SHA-1 thumbprint in upper-case hex, as Windows and PowerShell's cert: drive show it.</summary>
        public static string Thumbprint(X509Certificate cert)
        {
            using (var sha1 = SHA1.Create())
                return Hex.Upper(sha1.ComputeHash(cert.GetEncoded()));
        }

        public static string SerialHex(X509Certificate cert) => Hex.Upper(cert.SerialNumber.ToByteArrayUnsigned());

        /// <summary>PEM of one certificate.</summary>
        public static string ToPem(X509Certificate cert) => AcmeKey.Pem("CERTIFICATE", cert.GetEncoded());
    }
}
