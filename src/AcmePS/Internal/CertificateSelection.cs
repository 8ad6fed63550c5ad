using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;

namespace AcmePS.Internal
{
    /// <summary>The orders with a certificate that a -Name (wildcards allowed) selects, as Get-AcmeCertificate reads it.</summary>
    internal static class CertificateSelection
    {
        public static List<OrderRecord> Find(AcmeSession session, string name)
        {
            var pattern = WildcardPattern.Get(name ?? "*", WildcardOptions.IgnoreCase);
            var withCertificate = OrderOperations.List(session).Where(o => o.Certificate != null).ToList();
            // A wildcard certificate's own name ('*.example.com', stored as '!.example.com') means that one
            // certificate, not every name the pattern would match.
            var exact = name == null ? null : withCertificate.FirstOrDefault(o =>
                string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(o.Name, name.Replace('*', '!'), StringComparison.OrdinalIgnoreCase));
            var found = exact != null ? new List<OrderRecord> { exact } : withCertificate.Where(o => pattern.IsMatch(o.Name)).ToList();
            if (found.Count == 0 && name != null && !WildcardPattern.ContainsWildcardCharacters(name))
                throw new AcmeException("AcmeCertificateNotFound", AcmeErrorKind.NotFound, $"The vault has no certificate named '{name}'.") { Target = name };
            return found;
        }
    }
}
