using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using AcmePS.Core.Workflow;
using ExportFormat = AcmePS.Models.ExportFormat;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Writes a certificate from the vault to a file: PFX, the certificate PEM, the full chain PEM or the key PEM.</summary>
    [Cmdlet(VerbsData.Export, "AcmeCertificate", DefaultParameterSetName = ByObject, SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportAcmeCertificateCommand : AcmeCmdlet
    {
        private const string ByObject = "ByObject";
        private const string ByName = "ByName";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByObject)]
        public AcmeCertificate Certificate { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Default: from the extension (.pem/.crt/.cer: FullChainPem, .key: KeyPem), else Pfx.</summary>
        [Parameter]
        public ExportFormat? Format { get; set; }

        /// <summary>The PFX password; without it the PFX is not password protected.</summary>
        [Parameter]
        public SecureString Password { get; set; }

        /// <summary>Refuse to overwrite an existing file.</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            string target = Certificate?.Name ?? Name;
            try
            {
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                var format = Format ?? FormatFromExtension(path);
                if (NoClobber && File.Exists(path))
                    throw new Core.AcmeException("AcmeExportFileExists", Core.AcmeErrorKind.ResourceExists, $"'{path}' exists and -NoClobber was given.") { Target = path };
                var session = Certificate != null ? OpenSession(Certificate.Server, Certificate.AccountId) : OpenSession();
                var order = OrderOperations.Find(session, target);
                if (!ShouldProcess(path, $"Export the certificate '{order.Name}' as {format}")) return;
                char[] password = ToChars(Password);
                try
                {
                    CertificateExport.Export(session.Vault, order, (Core.Workflow.ExportFormat)(int)format, path, password);
                }
                finally
                {
                    if (password != null) Array.Clear(password, 0, password.Length);
                }
                if (PassThru) WriteObject(new FileInfo(path));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, target);
            }
        }

        private static ExportFormat FormatFromExtension(string path)
        {
            switch (System.IO.Path.GetExtension(path).ToLowerInvariant())
            {
                case ".pem": case ".crt": case ".cer": return ExportFormat.FullChainPem;
                case ".key": return ExportFormat.KeyPem;
                default: return ExportFormat.Pfx;
            }
        }

        private static char[] ToChars(SecureString secure)
        {
            if (secure == null) return null;
            IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                var chars = new char[secure.Length];
                Marshal.Copy(ptr, chars, 0, chars.Length);
                return chars;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }
    }
}
