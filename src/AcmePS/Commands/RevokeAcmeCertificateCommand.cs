using System;
using System.Management.Automation;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Revokes a certificate at the CA, signed by the account that ordered it.</summary>
    [Cmdlet(VerbsSecurity.Revoke, "AcmeCertificate", DefaultParameterSetName = ByObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AcmeCertificate))]
    public sealed class RevokeAcmeCertificateCommand : AcmeCmdlet
    {
        private const string ByObject = "ByObject";
        private const string ByName = "ByName";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObject)]
        public AcmeCertificate Certificate { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CertificateNameCompleter))]
        public string Name { get; set; }

        /// <summary>With -Name: the server (name, id or directory URL) instead of the vault's default.</summary>
        [Parameter(ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        /// <summary>With -Name: the account (id or URL) instead of the server's default.</summary>
        [Parameter(ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        [Parameter]
        [ValidateSet("Unspecified", "KeyCompromise", "Superseded", "CessationOfOperation", "AffiliationChanged", IgnoreCase = true)]
        public string Reason { get; set; } = "Unspecified";

        /// <summary>Revoke without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            string target = Certificate?.Name ?? Name;
            try
            {
                var session = Certificate != null ? OpenSession(Certificate.Server, Certificate.AccountId) : OpenSession(Server, Account);
                var order = OrderOperations.Find(session, target);
                string what = $"{order.Name} (serial {order.Certificate?.SerialNumber})";
                if (!ShouldProcessOrForce(Force, what, $"Revoke ({Reason})")) return;
                Run(ct => CertificateOperations.RevokeAsync(session, order, Reason, ct));
                WriteVerbose($"Revoked {what}.");
                if (PassThru) WriteObject(AcmeCertificate.From(session.Vault, order));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, target);
            }
        }
    }
}
