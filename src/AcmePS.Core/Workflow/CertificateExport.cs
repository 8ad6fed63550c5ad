using System;
using System.IO;
using System.Linq;
using System.Text;
using AcmePS.Core.Crypto;
using AcmePS.Core.Util;
using AcmePS.Core.Vault;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace AcmePS.Core.Workflow
{
    public enum ExportFormat
    {
        /// <summary>PKCS#12: key, certificate and chain.</summary>
        Pfx,
        /// <summary>The certificate alone, PEM.</summary>
        Pem,
        /// <summary>The certificate and its chain, PEM.</summary>
        FullChainPem,
        /// <summary>The private key, PKCS#8 PEM.</summary>
        KeyPem,
    }

    public static class CertificateExport
    {
        /// <summary>
        /// Writes the order's certificate in <paramref name="format"/> to <paramref name="path"/> (atomically; key-bearing
        /// files readable by the owner only). <paramref name="password"/> protects a PFX; empty means none.
        /// </summary>
        public static void Export(AcmeVault vault, OrderRecord order, ExportFormat format, string path, char[] password, bool legacyPfx = false,
            int chainIndex = 0)
        {
            var record = order.Certificate ?? throw new AcmeException("AcmeCertificateNotFound", AcmeErrorKind.NotFound,
                $"The order '{order.Name}' has no certificate yet: run Complete-AcmeOrder first.") { Target = order.Name };
            string chainFile = record.Chains.Count > chainIndex ? record.Chains[chainIndex].File : CertificateOperations.LegacyChainFile;
            var chain = CertificateChain.Parse(vault.ReadOrderFile(order, chainFile) ?? throw Missing(order, chainFile));
            switch (format)
            {
                case ExportFormat.Pem:
                    AtomicFile.Write(path, Encoding.ASCII.GetBytes(CertificateChain.ToPem(chain.Leaf)), false);
                    break;
                case ExportFormat.FullChainPem:
                    AtomicFile.Write(path, Encoding.ASCII.GetBytes(string.Concat(chain.Certificates.Select(CertificateChain.ToPem))), false);
                    break;
                case ExportFormat.KeyPem:
                    AtomicFile.Write(path, Encoding.ASCII.GetBytes(ReadKey(vault, order, chain).ToPem()), true);
                    break;
                case ExportFormat.Pfx:
                    AtomicFile.Write(path, Pfx(ReadKey(vault, order, chain), chain, password ?? new char[0], order.Name, legacyPfx), true);
                    break;
            }
        }

        /// <summary>The certificate's key; never another one (a key and certificate that do not match are refused).</summary>
        private static AcmeKey ReadKey(AcmeVault vault, OrderRecord order, CertificateChain chain)
        {
            string file = CertificateOperations.KeyFileOf(vault, order);
            string pem = file != null ? vault.ReadOrderFile(order, file) : null;
            if (pem == null)
                throw new AcmeException("AcmeCertificateKeyMissing", AcmeErrorKind.NotFound,
                    $"The vault has no private key for '{order.Name}' (it was issued from your own CSR, or the key file is gone).") { Target = order.Name };
            var key = AcmeKey.FromPem(pem);
            if (!key.IsKeyOf(chain.Leaf))
                throw new AcmeException("AcmeCertificateKeyMismatch", AcmeErrorKind.InvalidData,
                    $"The key in the vault for '{order.Name}' is not the certificate's (an interrupted issuance?): run Complete-AcmeOrder again or issue a new one.") { Target = order.Name };
            return key;
        }

        private static AcmeException Missing(OrderRecord order, string file) =>
            new AcmeException("AcmeCertificateFileMissing", AcmeErrorKind.InvalidData, $"The vault file {file} of '{order.Name}' is missing.") { Target = order.Name };

        /// <summary>
        /// PKCS#12 with AES-256-CBC (PBES2, HMAC-SHA256), which OpenSSL 3 and Windows 10 1709+/Server 2019+ read; legacy
        /// is 3DES for Windows Server 2016 and older, which cannot read AES-encrypted PFX files.
        /// </summary>
        private static byte[] Pfx(AcmeKey key, CertificateChain chain, char[] password, string friendlyName, bool legacy)
        {
            var builder = new Pkcs12StoreBuilder();
            if (!legacy)
            {
                builder.SetKeyAlgorithm(NistObjectIdentifiers.IdAes256Cbc, PkcsObjectIdentifiers.IdHmacWithSha256);
                builder.SetCertAlgorithm(NistObjectIdentifiers.IdAes256Cbc, PkcsObjectIdentifiers.IdHmacWithSha256);
            }
            var store = builder.Build();
            var entries = chain.Certificates.Select(c => new X509CertificateEntry(c)).ToArray();
            store.SetKeyEntry(friendlyName, new AsymmetricKeyEntry(key.Pair.Private), entries);
            using (var stream = new MemoryStream())
            {
                store.Save(stream, password, new SecureRandom());
                return stream.ToArray();
            }
        }
    }
}
