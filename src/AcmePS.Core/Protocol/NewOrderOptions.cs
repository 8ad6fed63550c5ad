using System;

namespace AcmePS.Core.Protocol
{
    /// <summary>
    /// What a newOrder may ask for besides the identifiers: the validity period (RFC 8555 §7.4), a profile
    /// (draft-ietf-acme-profiles) and the certificate it replaces (RFC 9773 §5).
    /// </summary>
    public sealed class NewOrderOptions
    {
        public DateTimeOffset? NotBefore { get; set; }

        public DateTimeOffset? NotAfter { get; set; }

        /// <summary>A name from the directory's meta.profiles.</summary>
        public string Profile { get; set; }

        /// <summary>The ARI certificate id of the certificate this order replaces.</summary>
        public string Replaces { get; set; }

        public bool IsEmpty => NotBefore == null && NotAfter == null && string.IsNullOrEmpty(Profile) && string.IsNullOrEmpty(Replaces);
    }
}
