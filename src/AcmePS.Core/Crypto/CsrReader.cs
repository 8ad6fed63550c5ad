using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;

namespace AcmePS.Core.Crypto
{
    /// <summary>Reads a user's own PKCS#10 request and checks it fits the order it finalizes.</summary>
    public static class CsrReader
    {
        public static byte[] ReadForOrder(string pem, IReadOnlyList<string> orderNames)
        {
            Pkcs10CertificationRequest csr;
            try
            {
                using (var reader = new StringReader(pem))
                    csr = new PemReader(reader).ReadObject() as Pkcs10CertificationRequest;
            }
            catch (Exception ex)
            {
                throw new AcmeException("AcmeCsrInvalid", AcmeErrorKind.InvalidData, "The CSR file is not a readable PEM certificate request.", ex);
            }
            if (csr == null || !csr.Verify())
                throw new AcmeException("AcmeCsrInvalid", AcmeErrorKind.InvalidData, "The file holds no valid, self-signed PKCS#10 certificate request.");
            var names = Names(csr);
            var missing = orderNames.Except(names, StringComparer.OrdinalIgnoreCase).ToList();
            var extra = names.Except(orderNames, StringComparer.OrdinalIgnoreCase).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                throw new AcmeException("AcmeCsrNamesMismatch", AcmeErrorKind.InvalidArgument,
                    $"The CSR's names ({string.Join(", ", names)}) are not the order's ({string.Join(", ", orderNames)}).");
            return csr.GetDerEncoded();
        }

        public static IReadOnlyList<string> Names(Pkcs10CertificationRequest csr)
        {
            var names = new List<string>();
            var attributes = csr.GetCertificationRequestInfo().Attributes;
            if (attributes != null)
                foreach (Asn1Encodable item in attributes)
                {
                    var attribute = AttributePkcs.GetInstance(item);
                    if (!attribute.AttrType.Equals(PkcsObjectIdentifiers.Pkcs9AtExtensionRequest)) continue;
                    var extensions = X509Extensions.GetInstance(attribute.AttrValues[0]);
                    var san = extensions.GetExtension(X509Extensions.SubjectAlternativeName);
                    if (san == null) continue;
                    foreach (var gn in GeneralNames.GetInstance(san.GetParsedValue()).GetNames())
                        if (gn.TagNo == GeneralName.DnsName) names.Add(gn.Name.ToString());
                        else if (gn.TagNo == GeneralName.IPAddress)
                            names.Add(new System.Net.IPAddress(Asn1OctetString.GetInstance(gn.Name).GetOctets()).ToString().ToLowerInvariant());
                }
            if (names.Count == 0)
            {
                var cn = csr.GetCertificationRequestInfo().Subject.GetValueList(X509Name.CN);
                names.AddRange(cn);
            }
            return names;
        }
    }
}
