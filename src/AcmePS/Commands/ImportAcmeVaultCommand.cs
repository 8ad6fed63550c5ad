using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using AcmePS.Core.Vault.Protection;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Writes the files of an Export-AcmeVault archive into a vault, encrypted by that vault's protection.</summary>
    [Cmdlet(VerbsData.Import, "AcmeVault", SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeVaultInfo))]
    public sealed class ImportAcmeVaultCommand : AcmeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(Mandatory = true)]
        public SecureString Passphrase { get; set; }

        /// <summary>The vault to import into (a folder or blob container URL); default: the current vault.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string VaultPath { get; set; }

        /// <summary>Imports into a vault that holds servers already, replacing files of the same path.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                string text = ReadUserFile(Path, "AcmeVaultArchiveNotFound", "vault archive");
                var vault = VaultCommands.Open(this, VaultPath);
                if (!ShouldProcess(vault.Store.Location, $"Import the vault archive '{Path}'")) return;
                string passphrase = SecureText.Plain(Passphrase);
                var files = Run(ct => System.Threading.Tasks.Task.Run(() => VaultArchive.Import(vault, text, passphrase, Force, Path), ct));
                WriteVerbose($"Imported {files.Count} files into the vault at {vault.Store.Location}.");
                WriteObject(VaultCommands.Info(vault));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Path);
            }
        }
    }
}
