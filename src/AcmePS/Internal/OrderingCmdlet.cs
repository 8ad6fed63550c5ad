using System;
using System.Management.Automation;
using AcmePS.Core.Protocol;
using AcmePS.Core.Workflow;

namespace AcmePS.Internal
{
    /// <summary>-NotBefore, -NotAfter, -Profile and -Replaces: what New-AcmeOrder and New-AcmeCertificate send with a newOrder.</summary>
    public abstract class OrderingCmdlet : AcmeCmdlet
    {
        /// <summary>The certificate's requested start of validity (RFC 8555 newOrder notBefore); most CAs refuse it.</summary>
        [Parameter]
        public DateTime? NotBefore { get; set; }

        /// <summary>The certificate's requested end of validity (newOrder notAfter); renewals ask for the same lifetime.</summary>
        [Parameter]
        public DateTime? NotAfter { get; set; }

        /// <summary>A profile the CA offers (its directory's meta.profiles), such as Let's Encrypt's tlsserver or shortlived.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Profile { get; set; }

        /// <summary>The certificate this order replaces (ARI, RFC 9773): a certificate name in the vault, or its ARI id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Replaces { get; set; }

        /// <summary>The newOrder options these parameters ask for.</summary>
        internal NewOrderOptions OrderOptions(AcmeSession session) =>
            new NewOrderOptions
            {
                // A DateTime without a kind is the user's local time, as PowerShell reads '2026-12-01 08:00'.
                NotBefore = NotBefore.HasValue ? new DateTimeOffset(NotBefore.Value) : (DateTimeOffset?)null,
                NotAfter = NotAfter.HasValue ? new DateTimeOffset(NotAfter.Value) : (DateTimeOffset?)null,
                Profile = string.IsNullOrWhiteSpace(Profile) ? null : Profile.Trim(),
                Replaces = RenewalOperations.ResolveReplaces(session, Replaces),
            };
    }
}
