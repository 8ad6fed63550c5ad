using System;
using AcmePS.Core.Vault;

namespace AcmePS.Models
{
    /// <summary>An ACME server (CA directory) known to the vault.</summary>
    public sealed class AcmeServer
    {
        public string Name { get; set; }
        public Uri DirectoryUrl { get; set; }
        public string Id { get; set; }
        public bool IsDefault { get; set; }
        public string DefaultAccount { get; set; }
        public string TermsOfService { get; set; }
        public bool ExternalAccountRequired { get; set; }
        public bool HasTrustedRoot { get; set; }

        internal static AcmeServer From(ServerRecord r, string defaultServerId) => new AcmeServer
        {
            Name = r.Name,
            DirectoryUrl = r.DirectoryUrl,
            Id = r.Id,
            IsDefault = r.Id == defaultServerId,
            DefaultAccount = r.DefaultAccount,
            TermsOfService = r.TermsOfService,
            ExternalAccountRequired = r.ExternalAccountRequired,
            HasTrustedRoot = !string.IsNullOrEmpty(r.TrustedRootPem),
        };

        /// <summary>The directory URL: what identifies a server, and what Set-AcmeServer binds from the pipeline.</summary>
        public override string ToString() => DirectoryUrl?.AbsoluteUri ?? Name;
    }
}
