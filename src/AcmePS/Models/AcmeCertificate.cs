using System;
using System.Linq;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;

namespace AcmePS.Models
{
    /// <summary>A certificate in the vault, with the paths of its files.</summary>
    public sealed class AcmeCertificate
    {
        public string Name { get; set; }
        public string[] DnsNames { get; set; }
        /// <summary>The IP addresses the certificate is for (RFC 8738), if any.</summary>
        public string[] IPAddresses { get; set; }
        public string Subject { get; set; }
        public string Issuer { get; set; }
        public DateTimeOffset NotBefore { get; set; }
        public DateTimeOffset NotAfter { get; set; }
        public int DaysLeft => (int)Math.Floor((NotAfter - DateTimeOffset.UtcNow).TotalDays);
        public string SerialNumber { get; set; }
        public string Thumbprint { get; set; }
        /// <summary>The default chain: the certificate first, then its issuers (PEM).</summary>
        public string CertificatePath { get; set; }
        /// <summary>The private key (PKCS#8 PEM); empty when the certificate came from the user's own CSR.</summary>
        public string KeyPath { get; set; }
        /// <summary>Every chain the CA offered: [0] is the default, then the alternates.</summary>
        public string[] ChainPaths { get; set; }
        public string[] ChainRootIssuers { get; set; }
        public DateTimeOffset? Revoked { get; set; }
        public string Server { get; set; }
        public string AccountId { get; set; }

        internal static AcmeCertificate From(AcmeVault vault, OrderRecord order)
        {
            var c = order.Certificate;
            string keyFile = CertificateOperations.KeyFileOf(vault, order);
            return new AcmeCertificate
            {
                Name = order.Name,
                DnsNames = c.DnsNames.Where(n => !System.Net.IPAddress.TryParse(n, out _)).ToArray(),
                IPAddresses = c.DnsNames.Where(n => System.Net.IPAddress.TryParse(n, out _)).ToArray(),
                Subject = c.Subject,
                Issuer = c.Issuer,
                NotBefore = c.NotBefore,
                NotAfter = c.NotAfter,
                SerialNumber = c.SerialNumber,
                Thumbprint = c.Thumbprint,
                CertificatePath = vault.OrderFilePath(order, CertificateOperations.ChainFileOf(order)),
                KeyPath = keyFile != null ? vault.OrderFilePath(order, keyFile) : null,
                ChainPaths = c.Chains.Select(ch => vault.OrderFilePath(order, ch.File)).ToArray(),
                ChainRootIssuers = c.Chains.Select(ch => ch.RootIssuer).ToArray(),
                Revoked = c.Revoked,
                Server = order.ServerId,
                AccountId = order.AccountId,
            };
        }

        public override string ToString() => Name;
    }
}
