using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Lists the certificates in the vault (of the default account, or of -Server/-Account).</summary>
    [Cmdlet(VerbsCommon.Get, "AcmeCertificate")]
    [OutputType(typeof(AcmeCertificate))]
    public sealed class GetAcmeCertificateCommand : AcmeCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(CertificateNameCompleter))]
        public string Name { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var session = OpenSession(Server, Account);
                var pattern = WildcardPattern.Get(Name ?? "*", WildcardOptions.IgnoreCase);
                var withCertificate = OrderOperations.List(session).Where(o => o.Certificate != null).ToList();
                // A wildcard certificate's own name ('*.example.com', stored as '!.example.com') means that one
                // certificate, not every name the pattern would match.
                var exact = Name == null ? null : withCertificate.FirstOrDefault(o =>
                    string.Equals(o.Name, Name, StringComparison.OrdinalIgnoreCase) || string.Equals(o.Name, Name.Replace('*', '!'), StringComparison.OrdinalIgnoreCase));
                var found = exact != null ? new List<Core.Vault.OrderRecord> { exact } : withCertificate.Where(o => pattern.IsMatch(o.Name)).ToList();
                if (found.Count == 0 && Name != null && !WildcardPattern.ContainsWildcardCharacters(Name))
                    throw new AcmeException("AcmeCertificateNotFound", AcmeErrorKind.NotFound, $"The vault has no certificate named '{Name}'.") { Target = Name };
                foreach (var order in found) WriteObject(AcmeCertificate.From(session.Vault, order));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name);
            }
        }
    }
}
