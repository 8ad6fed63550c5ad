using System;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;

namespace AcmePS.Models
{
    /// <summary>When a certificate of the vault should be renewed: the CA's window (ARI) or the lifetime rule.</summary>
    public sealed class AcmeRenewalInfo
    {
        public string Name { get; set; }
        /// <summary>The ARI certificate id: base64url(authority key id) "." base64url(serial number).</summary>
        public string CertificateId { get; set; }
        public string SerialNumber { get; set; }
        public DateTimeOffset NotBefore { get; set; }
        public DateTimeOffset NotAfter { get; set; }
        public DateTimeOffset WindowStart { get; set; }
        public DateTimeOffset WindowEnd { get; set; }
        /// <summary>The renewal time: a random point in the window, kept until the CA changes the window.</summary>
        public DateTimeOffset RenewAt { get; set; }
        public bool IsDue { get; set; }
        /// <summary>ARI (the CA's suggested window) or Lifetime (2/3 of it; 1/2 under 10 days).</summary>
        public string Source { get; set; }
        public TimeSpan? RetryAfter { get; set; }
        /// <summary>When AcmePS asks the CA again (the Retry-After it sent).</summary>
        public DateTimeOffset? NextCheck { get; set; }
        public Uri ExplanationUrl { get; set; }
        public string Profile { get; set; }
        public string Server { get; set; }
        public string AccountId { get; set; }

        internal static AcmeRenewalInfo From(OrderRecord order, RenewalStatus status) => new AcmeRenewalInfo
        {
            Name = order.Name,
            CertificateId = status.CertificateId,
            SerialNumber = order.Certificate?.SerialNumber,
            NotBefore = status.NotBefore,
            NotAfter = status.NotAfter,
            WindowStart = status.WindowStart,
            WindowEnd = status.WindowEnd,
            RenewAt = status.RenewAt,
            IsDue = status.IsDue,
            Source = status.Source,
            RetryAfter = status.RetryAfter,
            NextCheck = status.NextCheck,
            ExplanationUrl = status.ExplanationUrl,
            Profile = order.Profile,
            Server = order.ServerId,
            AccountId = order.AccountId,
        };

        public override string ToString() => Name;
    }
}
