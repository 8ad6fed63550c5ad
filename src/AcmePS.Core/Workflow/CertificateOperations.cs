using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;
using Org.BouncyCastle.Asn1.X509;

namespace AcmePS.Core.Workflow
{
    public static class CertificateOperations
    {
        /// <summary>The key and default chain file names of a vault of schema 1 (one set of files per order).</summary>
        public const string LegacyKeyFile = "cert.key";
        public const string LegacyChainFile = "cert.pem";
        public const string PendingKeyFile = "pending.key";

        /// <summary>The certificate's key file, or null when the vault has none (issued from the user's own CSR).</summary>
        public static string KeyFileOf(AcmeVault vault, OrderRecord order)
        {
            string file = order.Certificate?.KeyFile ?? LegacyKeyFile;
            return vault.Store.Exists($"{AcmeVault.OrderFolder(order)}/{file}") ? file : null;
        }

        /// <summary>The default chain's file.</summary>
        public static string ChainFileOf(OrderRecord order) =>
            order.Certificate?.Chains.Count > 0 ? order.Certificate.Chains[0].File : LegacyChainFile;

        /// <summary>
        /// Finalizes a ready order with a new key (or the user's CSR), waits while the CA issues, downloads the chain and
        /// every alternate chain, and stores them. The new key is stored before finalize, so an interrupted run resumes
        /// with the same key; the certificate files replace the old ones only once all of them are downloaded.
        /// </summary>
        public static async Task<OrderRecord> CompleteAsync(AcmeSession session, OrderRecord order, KeyType? keyType, string csrPem,
            TimeSpan timeout, IProgress<AcmeProgress> progress, CancellationToken ct, string preferredChain = null)
        {
            if (!string.IsNullOrWhiteSpace(preferredChain)) order.PreferredChain = preferredChain.Trim();
            var signer = session.Signer;
            var vault = session.Vault;
            string activity = $"Completing order {order.Name}";
            // An order the vault holds as ready (Submit-AcmeChallenge just read it) is finalized without reading it
            // again; if the CA disagrees, finalize says so and FinalizeAsync reads the order then.
            AcmeOrderResource resource;
            if (order.Status == AcmeStatus.Ready && order.Finalize != null)
            {
                resource = new AcmeOrderResource { Status = AcmeStatus.Ready, Finalize = order.Finalize, Location = order.Url, Expires = order.Expires };
            }
            else
            {
                resource = await session.Client.GetOrderAsync(signer, order.Url, ct).ConfigureAwait(false);
                OrderOperations.Apply(order, resource);
            }

            AcmeKey key = null;
            if (csrPem == null)
            {
                string pending = vault.ReadOrderFile(order, PendingKeyFile);
                key = pending != null ? AcmeKey.FromPem(pending) : null;
            }
            if (resource.Status == AcmeStatus.Ready)
            {
                byte[] csr;
                if (csrPem != null)
                {
                    csr = CsrReader.ReadForOrder(csrPem, order.DnsNames.Concat(order.IpAddresses ?? new List<string>()).ToList());
                    key = null;
                }
                else
                {
                    if (key == null && order.ReuseKey) key = CurrentKey(vault, order, keyType);
                    var type = keyType ?? key?.Type ?? (order.KeyType != null ? KeyTypes.Parse(order.KeyType) : KeyType.EC256);
                    if (key == null || key.Type != type)
                    {
                        progress?.Report(new AcmeProgress(activity, $"Making a {type.ToName()} key", 5));
                        key = AcmeKey.Generate(type);
                        vault.WriteOrderFile(order, PendingKeyFile, key.ToPem(), secret: true);
                    }
                    order.KeyType = type.ToName();
                    csr = CsrBuilder.Build(key, order.DnsNames, order.IpAddresses);
                }
                progress?.Report(new AcmeProgress(activity, "Sending the certificate request (finalize)", 20));
                resource = await session.Client.FinalizeAsync(signer, resource, csr, ct).ConfigureAwait(false);
                OrderOperations.Apply(order, resource);
            }
            if (resource.Status == AcmeStatus.Processing || resource.Status == AcmeStatus.Ready)
            {
                progress?.Report(new AcmeProgress(activity, "Waiting for the CA to issue", 40));
                await session.Client.Clock.Delay(session.Client.Retry.PollFirst, ct).ConfigureAwait(false);
                resource = await session.Client.WaitForOrderAsync(signer, order.Url, timeout, null, ct, AcmeStatus.Processing).ConfigureAwait(false);
                OrderOperations.Apply(order, resource);
            }
            if (resource.Status != AcmeStatus.Valid)
            {
                vault.SaveOrder(order);
                throw NotIssued(order, resource);
            }
            progress?.Report(new AcmeProgress(activity, "Downloading the certificate chains", 70));
            await StoreCertificateAsync(session, order, key, csrPem != null, ct).ConfigureAwait(false);
            progress?.Report(new AcmeProgress(activity, "done", 100) { Completed = true });
            return order;
        }

        /// <summary>
        /// The key of the order's current certificate, for -ReuseKey, written as pending.key so that an interrupted run
        /// resumes with it; null when there is none or -KeyType asks for another type (a new key is made then).
        /// </summary>
        private static AcmeKey CurrentKey(AcmeVault vault, OrderRecord order, KeyType? keyType)
        {
            string file = order.Certificate != null ? KeyFileOf(vault, order) : null;
            if (file == null) return null;
            var key = AcmeKey.FromPem(vault.ReadOrderFile(order, file));
            if (keyType.HasValue && key.Type != keyType.Value) return null;
            vault.WriteOrderFile(order, PendingKeyFile, key.ToPem(), secret: true);
            return key;
        }

        private static AcmeException NotIssued(OrderRecord order, AcmeOrderResource resource)
        {
            if (resource.Status == AcmeStatus.Pending)
                return new AcmeException("AcmeOrderNotReady", AcmeErrorKind.InvalidOperation,
                    $"The order '{order.Name}' still has authorizations to validate: publish its challenges and run Submit-AcmeChallenge first.") { Target = order.Name };
            return new AcmeException("AcmeOrderInvalid", AcmeErrorKind.InvalidOperation,
                $"The order '{order.Name}' is {resource.Status}" + (resource.Error != null ? ": " + resource.Error : ".") + " Start a new order with New-AcmeOrder.") { Target = order.Name };
        }

        private static async Task StoreCertificateAsync(AcmeSession session, OrderRecord order, AcmeKey key, bool fromUserCsr, CancellationToken ct)
        {
            var vault = session.Vault;
            var signer = session.Signer;
            var primary = await session.Client.DownloadCertificateAsync(signer, order.CertificateUrl, ct).ConfigureAwait(false);
            var chains = new List<string> { primary.Key };
            foreach (var alternate in primary.Value)
                chains.Add((await session.Client.DownloadCertificateAsync(signer, alternate, ct).ConfigureAwait(false)).Key);

            var parsed = chains.Select(CertificateChain.Parse).ToList();
            int preferred = PreferredIndex(parsed, order.PreferredChain);
            if (preferred > 0)
            {
                // The preferred chain becomes the default one; the CA's default becomes an alternate.
                chains.Insert(0, chains[preferred]); chains.RemoveAt(preferred + 1);
                parsed.Insert(0, parsed[preferred]); parsed.RemoveAt(preferred + 1);
            }
            var leaf = parsed[0].Leaf;
            if (key != null && !key.IsKeyOf(leaf))
                throw new AcmeException("AcmeCertificateKeyMismatch", AcmeErrorKind.InvalidData,
                    $"The certificate the CA issued for '{order.Name}' is not for the key AcmePS sent.") { Target = order.Name };

            var record = new CertificateRecord
            {
                Thumbprint = CertificateChain.Thumbprint(leaf),
                SerialNumber = CertificateChain.SerialHex(leaf),
                Subject = leaf.SubjectDN.ToString(),
                Issuer = leaf.IssuerDN.ToString(),
                NotBefore = new DateTimeOffset(leaf.NotBefore, TimeSpan.Zero),
                NotAfter = new DateTimeOffset(leaf.NotAfter, TimeSpan.Zero),
                DnsNames = CertificateChain.SubjectAlternativeNames(leaf).ToList(),
                Issued = DateTimeOffset.UtcNow,
            };
            // Files of this certificate's own: a crash before order.json is written leaves the previous certificate,
            // its key and its chains exactly as they were.
            string id = record.Thumbprint.Substring(0, 16).ToLowerInvariant();
            for (int i = 0; i < chains.Count; i++)
            {
                string file = i == 0 ? $"cert-{id}.pem" : $"chain-{id}-{i}.pem";
                var top = parsed[i].Certificates[parsed[i].Certificates.Count - 1];
                record.Chains.Add(new ChainRecord
                {
                    File = file,
                    RootIssuer = CommonName(top.IssuerDN),
                    Issuers = parsed[i].Certificates.Select(c => CommonName(c.IssuerDN)).ToList(),
                });
            }
            // Key first, then chains, then the record that points at them; then the previous certificate's files go.
            // From the user's own CSR the vault has no key. Without a new key otherwise (the order was complete already,
            // and this run only resumes it), the stored key stays the certificate's.
            var previous = order.Certificate;
            if (key != null)
            {
                record.KeyFile = $"cert-{id}.key";
                vault.WriteOrderFile(order, record.KeyFile, key.ToPem(), secret: true);
            }
            else if (!fromUserCsr && previous != null && previous.Thumbprint == record.Thumbprint)
            {
                record.KeyFile = KeyFileOf(vault, order);
            }
            for (int i = 0; i < chains.Count; i++) vault.WriteOrderFile(order, record.Chains[i].File, chains[i]);
            order.Certificate = record;
            vault.SaveOrder(order);
            vault.DeleteOrderFile(order, PendingKeyFile);
            if (previous != null) RemoveFilesOf(vault, order, previous, record);
        }

        /// <summary>Removes the files of a replaced certificate that the new one does not use.</summary>
        private static void RemoveFilesOf(AcmeVault vault, OrderRecord order, CertificateRecord old, CertificateRecord current)
        {
            var keep = new HashSet<string>(current.Chains.Select(c => c.File), StringComparer.Ordinal);
            if (current.KeyFile != null) keep.Add(current.KeyFile);
            var files = old.Chains.Select(c => c.File).Concat(new[] { old.KeyFile ?? LegacyKeyFile });
            foreach (string file in files.Where(f => f != null && AcmeVault.IsSafeName(f) && !keep.Contains(f)))
                vault.DeleteOrderFile(order, file);
        }

        /// <summary>
        /// The chain whose topmost certificate is issued by <paramref name="issuer"/> (common name, any case), else the
        /// first chain with that issuer anywhere in it; -1 when none is (the CA's default chain stays).
        /// </summary>
        public static int PreferredIndex(IReadOnlyList<CertificateChain> chains, string issuer)
        {
            if (string.IsNullOrEmpty(issuer)) return -1;
            for (int i = 0; i < chains.Count; i++)
                if (string.Equals(CommonName(chains[i].Certificates[chains[i].Certificates.Count - 1].IssuerDN), issuer, StringComparison.OrdinalIgnoreCase))
                    return i;
            for (int i = 0; i < chains.Count; i++)
                if (chains[i].Certificates.Any(c => string.Equals(CommonName(c.IssuerDN), issuer, StringComparison.OrdinalIgnoreCase)))
                    return i;
            return -1;
        }

        internal static string CommonName(X509Name name)
        {
            var values = name.GetValueList(X509Name.CN);
            return values.Count > 0 ? values[0] : name.ToString();
        }

        /// <summary>RFC 5280 CRLReason codes that ACME CAs accept.</summary>
        public static int ReasonCode(string reason)
        {
            switch ((reason ?? "Unspecified").ToLowerInvariant())
            {
                case "unspecified": return 0;
                case "keycompromise": return 1;
                case "affiliationchanged": return 3;
                case "superseded": return 4;
                case "cessationofoperation": return 5;
                default:
                    throw new AcmeException("AcmeRevocationReasonInvalid", AcmeErrorKind.InvalidArgument, $"'{reason}' is not a revocation reason.") { Target = reason };
            }
        }

        /// <summary>
        /// Revokes a certificate signed by its own key ("jwk" in the JWS, no account), after checking the key is the
        /// certificate's. Returns the serial number.
        /// </summary>
        public static async Task<string> RevokeWithCertificateKeyAsync(AcmeClient client, string certificatePem, string keyPem, string reason,
            CancellationToken ct)
        {
            var leaf = CertificateChain.Parse(certificatePem).Leaf;
            var key = AcmeKey.FromPem(keyPem);
            if (!key.IsKeyOf(leaf))
                throw new AcmeException("AcmeCertificateKeyMismatch", AcmeErrorKind.InvalidArgument,
                    "The key file does not hold the private key of that certificate.");
            await client.RevokeCertificateAsync(leaf.GetEncoded(), ReasonCode(reason), null, key, ct).ConfigureAwait(false);
            return CertificateChain.SerialHex(leaf);
        }

        /// <summary>Revokes the order's certificate, signed by the account, and records it in the vault.</summary>
        public static async Task RevokeAsync(AcmeSession session, OrderRecord order, string reason, CancellationToken ct)
        {
            var certificate = order.Certificate ?? throw new AcmeException("AcmeCertificateNotFound", AcmeErrorKind.NotFound,
                $"The order '{order.Name}' has no certificate to revoke.") { Target = order.Name };
            var chain = CertificateChain.Parse(session.Vault.ReadOrderFile(order, ChainFileOf(order)));
            try
            {
                await session.Client.RevokeCertificateAsync(chain.Leaf.GetEncoded(), ReasonCode(reason), session.Signer, null, ct).ConfigureAwait(false);
            }
            catch (AcmeProblemException ex) when (ex.Problem.Is("alreadyRevoked") && certificate.Revoked == null)
            {
                // A revocation whose answer was lost earlier: it is done, only the vault did not know.
            }
            certificate.Revoked = DateTimeOffset.UtcNow;
            certificate.RevocationReason = reason ?? "Unspecified";
            session.Vault.SaveOrder(order);
        }
    }
}
