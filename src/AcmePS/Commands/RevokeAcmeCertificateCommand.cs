using System;
using System.Management.Automation;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>
    /// Revokes a certificate at the CA: one from the vault, signed by the account that ordered it; or any certificate
    /// given as files, signed by its own private key (no account needed: for a key that leaked, or a lost account).
    /// </summary>
    [Cmdlet(VerbsSecurity.Revoke, "AcmeCertificate", DefaultParameterSetName = ByObject, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AcmeCertificate))]
    public sealed class RevokeAcmeCertificateCommand : AcmeCmdlet
    {
        private const string ByObject = "ByObject";
        private const string ByName = "ByName";
        private const string ByFile = "ByFile";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObject)]
        public AcmeCertificate Certificate { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CertificateNameCompleter))]
        public string Name { get; set; }

        /// <summary>A PEM certificate file (the first certificate in it is revoked).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByFile)]
        [ValidateNotNullOrEmpty]
        public string CertificatePath { get; set; }

        /// <summary>The certificate's private key (PEM): it signs the revocation.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByFile)]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; }

        /// <summary>With -Name or files: the server (name, id or directory URL) instead of the vault's default.</summary>
        [Parameter(ParameterSetName = ByName)]
        [Parameter(ParameterSetName = ByFile)]
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
            string target = Certificate?.Name ?? Name ?? CertificatePath;
            try
            {
                if (ParameterSetName == ByFile)
                {
                    RevokeFromFiles();
                    return;
                }
                var session = Certificate != null ? OpenSession(Certificate.Server, Certificate.AccountId) : OpenSession(Server, Account);
                var order = OrderOperations.Find(session, target);
                if (Certificate != null && order.Certificate != null
                    && !string.Equals(Certificate.Thumbprint, order.Certificate.Thumbprint, StringComparison.OrdinalIgnoreCase))
                    throw new Core.AcmeException("AcmeCertificateSuperseded", Core.AcmeErrorKind.InvalidOperation,
                        $"The certificate {Certificate.SerialNumber} of '{order.Name}' has been replaced by {order.Certificate.SerialNumber} in the vault; "
                        + "nothing was revoked. To revoke the older one, give its PEM and key files with -CertificatePath and -KeyPath.") { Target = Certificate };
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

        private void RevokeFromFiles()
        {
            string certificate = ReadUserFile(CertificatePath, "AcmeCertificateFileNotFound", "certificate file");
            string key = ReadUserFile(KeyPath, "AcmeKeyFileNotFound", "key file");
            var server = AcmeSession.FindServer(Vault, Server);
            string what = $"the certificate in {CertificatePath}";
            if (!ShouldProcessOrForce(Force, what, $"Revoke ({Reason}) at {server.Name}, signed by the certificate's key")) return;
            string serial = Run(ct => CertificateOperations.RevokeWithCertificateKeyAsync(AcmeSession.ClientFor(server), certificate, key, Reason, ct));
            WriteVerbose($"Revoked the certificate with serial {serial}.");
        }
    }
}
