using System;
using System.Management.Automation;
using System.Security;
using AcmePS.Core.Vault.Protection;
using AcmePS.Internal;

namespace AcmePS.Commands
{
    /// <summary>Checks a Key-protected vault's passphrase and keeps the vault's data key for the rest of the session.</summary>
    [Cmdlet(VerbsCommon.Unlock, "AcmeVault")]
    [OutputType(typeof(void))]
    public sealed class UnlockAcmeVaultCommand : AcmeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public SecureString Passphrase { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var store = VaultCommands.Protected(VaultCommands.Open(this, Path));
                Run(ct => System.Threading.Tasks.Task.Run(() => VaultProtection.Unlock(store, SecureText.Plain(Passphrase)), ct));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Path);
            }
        }
    }
}
