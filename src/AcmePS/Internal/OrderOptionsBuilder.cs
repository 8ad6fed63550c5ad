using System;
using AcmePS.Core.Protocol;
using AcmePS.Core.Workflow;

namespace AcmePS.Internal
{
    /// <summary>-NotBefore, -NotAfter, -Profile and -Replaces of New-AcmeOrder and New-AcmeCertificate, as newOrder options.</summary>
    internal static class OrderOptionsBuilder
    {
        public static NewOrderOptions Build(AcmeSession session, DateTime? notBefore, DateTime? notAfter, string profile, string replaces) =>
            new NewOrderOptions
            {
                // A DateTime without a kind is the user's local time, as PowerShell reads '2026-12-01 08:00'.
                NotBefore = notBefore.HasValue ? new DateTimeOffset(notBefore.Value) : (DateTimeOffset?)null,
                NotAfter = notAfter.HasValue ? new DateTimeOffset(notAfter.Value) : (DateTimeOffset?)null,
                Profile = string.IsNullOrWhiteSpace(profile) ? null : profile.Trim(),
                Replaces = RenewalOperations.ResolveReplaces(session, replaces),
            };
    }
}
