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
                var found = CertificateSelection.Find(session, Name);
                foreach (var order in found) WriteObject(AcmeCertificate.From(session.Vault, order));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name);
            }
        }
    }
}
