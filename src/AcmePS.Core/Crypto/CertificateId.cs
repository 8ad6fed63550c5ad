using System;
using System.Text.RegularExpressions;
using AcmePS.Core.Util;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace AcmePS.Core.Crypto
{
    /// <summary>
    /// The ARI certificate identifier (RFC 9773 §4.1): base64url(the AKI's keyIdentifier) "." base64url(the DER bytes
    /// of the serial number's value). Used in renewalInfo requests and in newOrder's "replaces".
    /// </summary>
    public static class CertificateId
    {
        private static readonly Regex Shape = new Regex("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", RegexOptions.Compiled);

        public static string For(X509Certificate cert)
        {
            var extension = cert.GetExtensionValue(X509Extensions.AuthorityKeyIdentifier);
            byte[] keyId = extension == null ? null
                : AuthorityKeyIdentifier.GetInstance(X509ExtensionUtilities.FromExtensionValue(extension)).KeyIdentifier?.GetOctets();
            if (keyId == null || keyId.Length == 0)
                throw new AcmeException("AcmeCertificateIdUnavailable", AcmeErrorKind.InvalidData,
                    $"The certificate {SerialHexOf(cert)} has no authority key identifier, so it has no ARI certificate id.");
            // The serial's DER value bytes: two's complement, with a leading 0x00 when the top bit is set.
            return Base64Url.Encode(keyId) + "." + Base64Url.Encode(cert.SerialNumber.ToByteArray());
        }

        /// <summary>The id of the first (end-entity) certificate of a PEM chain.</summary>
        public static string ForPem(string pem) => For(CertificateChain.Parse(pem).Leaf);

        /// <summary>True for text shaped like a certificate id (two base64url parts with a dot between).</summary>
        public static bool LooksLikeId(string text) => text != null && Shape.IsMatch(text);

        /// <summary>The serial number (upper-case hex, no leading zero bytes) an id names; null when it is not an id.</summary>
        public static string SerialHex(string id)
        {
            if (!LooksLikeId(id)) return null;
            try
            {
                byte[] serial = Base64Url.Decode(id.Substring(id.IndexOf('.') + 1));
                int skip = 0;
                while (skip < serial.Length - 1 && serial[skip] == 0) skip++;
                byte[] trimmed = new byte[serial.Length - skip];
                Array.Copy(serial, skip, trimmed, 0, trimmed.Length);
                return Hex.Upper(trimmed);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private static string SerialHexOf(X509Certificate cert) => CertificateChain.SerialHex(cert);
    }
}
