using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using AcmePS.Core.Workflow;
using ExportFormat = AcmePS.Models.ExportFormat;
using AcmePS.Completers;
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

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Default: from the extension (.pfx/.p12: Pfx, .pem/.crt/.cer: FullChainPem, .key: KeyPem).</summary>
        [Parameter]
        public ExportFormat? Format { get; set; }

        /// <summary>The PFX password; without it the PFX is not password protected.</summary>
        [Parameter]
        public SecureString Password { get; set; }

        /// <summary>Encrypt the PFX with 3DES for Windows Server 2016 and older, which cannot read AES-256 PFX files.</summary>
        [Parameter]
        public SwitchParameter LegacyPfxEncryption { get; set; }

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
                var session = Certificate != null ? OpenSession(Certificate.Server, Certificate.AccountId) : OpenSession(Server, Account);
                var order = OrderOperations.Find(session, target);
                if (!ShouldProcess(path, $"Export the certificate '{order.Name}' as {format}")) return;
                if (format == ExportFormat.Pfx && (Password == null || Password.Length == 0))
                    WriteWarning($"The PFX file {path} is not protected by a password: anyone who can read it has the private key. Use -Password.");
                char[] password = SecureText.Chars(Password);
                try
                {
                    CertificateExport.Export(session.Vault, order, (Core.Workflow.ExportFormat)(int)format, path, password, LegacyPfxEncryption);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new Core.AcmeException("AcmeExportFailed", Core.AcmeErrorKind.PermissionDenied, $"Could not write '{path}': {ex.Message}", ex) { Target = path };
                }
                finally
                {
                    if (password != null) Array.Clear(password, 0, password.Length);
                }
                if (PassThru) WriteObject(InvokeProvider.Item.Get(path), true);
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
                case ".pfx": case ".p12": return ExportFormat.Pfx;
                case ".pem": case ".crt": case ".cer": return ExportFormat.FullChainPem;
                case ".key": return ExportFormat.KeyPem;
                default:
                    throw new Core.AcmeException("AcmeExportFormatUnknown", Core.AcmeErrorKind.InvalidArgument,
                        $"AcmePS cannot tell the format from the name '{System.IO.Path.GetFileName(path)}': add -Format Pfx, Pem, FullChainPem or KeyPem.") { Target = path };
            }
        }
    }
}
