using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Text;
using AcmePS.Core;
using AcmePS.Core.Util;
using AcmePS.Core.Vault.Protection;
using AcmePS.Internal;

namespace AcmePS.Commands
{
    /// <summary>Writes every file of a vault, decrypted, into one archive encrypted with a passphrase of its own.</summary>
    [Cmdlet(VerbsData.Export, "AcmeVault", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportAcmeVaultCommand : AcmeCmdlet
    {
        /// <summary>The archive file to write.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>The archive's passphrase (not the vault's).</summary>
        [Parameter(Mandatory = true)]
        public SecureString Passphrase { get; set; }

        /// <summary>The vault to export; default: the current vault.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string VaultPath { get; set; }

        [Parameter]
        [ValidateRange(KdfRecord.MinCost, KdfRecord.MaxCost)]
        public int KdfCost { get; set; }

        /// <summary>Replaces an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                if (File.Exists(full) && !Force)
                    throw new AcmeException("AcmeExportFileExists", AcmeErrorKind.ResourceExists,
                        $"The file '{full}' exists already; add -Force to replace it.") { Target = Path };
                var vault = VaultCommands.Open(this, VaultPath);
                if (!ShouldProcess(full, $"Export the vault at {vault.Store.Location}, keys included, into an encrypted archive")) return;
                int? cost = MyInvocation.BoundParameters.ContainsKey(nameof(KdfCost)) ? KdfCost : (int?)null;
                string passphrase = SecureText.Plain(Passphrase);
                int count = 0;
                string archive = Run(ct => System.Threading.Tasks.Task.Run(() => VaultArchive.Export(vault, passphrase, cost, out count), ct));
                AtomicFile.Write(full, new UTF8Encoding(false).GetBytes(archive), secret: true);
                WriteVerbose($"Exported {count} files of the vault at {vault.Store.Location}.");
                WriteObject(new FileInfo(full));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Path);
            }
        }
    }
}
