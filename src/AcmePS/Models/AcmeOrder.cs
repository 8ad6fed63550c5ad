using System;
using AcmePS.Core.Vault;

namespace AcmePS.Models
{
    /// <summary>An order in the vault, as the CA last described it.</summary>
    public sealed class AcmeOrder
    {
        public string Name { get; set; }
        public string Status { get; set; }
        public string[] DnsNames { get; set; }
        public string[] IPAddresses { get; set; }
        public DateTimeOffset? Expires { get; set; }
        public Uri Url { get; set; }
        public string Server { get; set; }
        public string AccountId { get; set; }
        public string KeyType { get; set; }
        /// <summary>The thumbprint of the certificate this order's name holds now, if any.</summary>
        public string CertificateThumbprint { get; set; }
        public string Error { get; set; }
        public DateTimeOffset Created { get; set; }
        public DateTimeOffset Updated { get; set; }
        /// <summary>The CA profile the order asked for (renewals keep it).</summary>
        public string Profile { get; set; }

        internal static AcmeOrder From(OrderRecord r) => new AcmeOrder
        {
            Name = r.Name,
            Status = r.Status,
            DnsNames = r.DnsNames.ToArray(),
            IPAddresses = (r.IpAddresses ?? new System.Collections.Generic.List<string>()).ToArray(),
            Expires = r.Expires,
            Url = r.Url,
            Server = r.ServerId,
            AccountId = r.AccountId,
            KeyType = r.KeyType,
            CertificateThumbprint = r.Certificate?.Thumbprint,
            Error = r.Error?.ToString(),
            Created = r.Created,
            Updated = r.Updated,
            Profile = r.Profile,
        };

        public override string ToString() => Name;
    }
}
