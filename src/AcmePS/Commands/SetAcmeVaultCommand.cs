using System;
using System.Management.Automation;
using System.Security;
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
    public sealed class SetAcmeVaultCommand : AcmeCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        [ValidateSet(ProtectionModes.DpapiUser, ProtectionModes.DpapiMachine, ProtectionModes.Key, ProtectionModes.None)]
        public string Protection { get; set; }

        /// <summary>The new passphrase for Key protection; default: ACMEPS_VAULT_KEY.</summary>
        [Parameter]
        public SecureString Passphrase { get; set; }

        [Parameter]
        [ValidateRange(KdfRecord.MinCost, KdfRecord.MaxCost)]
        public int KdfCost { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var vault = VaultCommands.Open(this, Path);
                var store = VaultCommands.Protected(vault);
                string mode = Protection ?? store.Keyring.Reload()?.Mode ?? ProtectionModes.DefaultHere(VaultCommands.Plain(Passphrase));
                if (!ShouldProcess(vault.Store.Location, $"Re-encrypt every key in the vault under a new data key, protected with {mode}")) return;
                if (mode == ProtectionModes.None) WriteWarning(VaultCommands.NoneWarning);
                int? cost = MyInvocation.BoundParameters.ContainsKey(nameof(KdfCost)) ? KdfCost : (int?)null;
                Run(ct => System.Threading.Tasks.Task.Run(() => VaultProtection.Change(store, Protection, VaultCommands.Plain(Passphrase), cost, ct, Progress), ct));
                WriteObject(VaultCommands.Info(vault));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Path);
            }
        }
    }
}
