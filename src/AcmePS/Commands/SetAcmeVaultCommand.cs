using System;
using System.Management.Automation;
using AcmePS.Core.Vault.Protection;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>
    /// Changes a vault's protection, passphrase or data key: a new data key, every secret re-encrypted under it, safe
    /// to interrupt (run it again to finish).
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AcmeVault", SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeVaultInfo))]
    public sealed class SetAcmeVaultCommand : VaultProtectionCmdlet
    {
        protected override void ProcessRecord()
        {
            try
            {
                var vault = VaultCommands.Open(this, Path);
                var store = VaultCommands.Protected(vault);
                string mode = Protection ?? store.Keyring.Reload()?.Mode ?? ProtectionModes.DefaultHere(SecureText.Plain(Passphrase));
                if (!ShouldProcess(vault.Store.Location, $"Re-encrypt every key in the vault under a new data key, protected with {mode}")) return;
                if (mode == ProtectionModes.None) WriteWarning(VaultCommands.NoneWarning);
                int? cost = RequestedKdfCost;
                Run(ct => System.Threading.Tasks.Task.Run(() => VaultProtection.Change(store, Protection, SecureText.Plain(Passphrase), cost, ct, Progress), ct));
                WriteObject(VaultCommands.Info(vault));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Path);
            }
        }
    }
}
