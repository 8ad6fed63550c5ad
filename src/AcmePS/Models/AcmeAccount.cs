using System;
using AcmePS.Core.Vault;

namespace AcmePS.Models
{
    /// <summary>An ACME account. <see cref="Url"/> is the account URI to pin in CAA (RFC 8657 accounturi).</summary>
    public sealed class AcmeAccount
    {
        public string Id { get; set; }
        public string Server { get; set; }
        public Uri Url { get; set; }
        public string Status { get; set; }
        public string[] Contact { get; set; }
        public string KeyType { get; set; }
        public bool IsDefault { get; set; }
        public DateTimeOffset Created { get; set; }

        internal static AcmeAccount From(AccountRecord r, string defaultAccountId) => new AcmeAccount
        {
            Id = r.Id,
            Server = r.ServerId,
            Url = r.Url,
            Status = r.Status,
            Contact = r.Contact.ToArray(),
            KeyType = r.KeyType,
            IsDefault = r.Id == defaultAccountId,
            Created = r.Created,
        };

        public override string ToString() => Id;
    }
}
