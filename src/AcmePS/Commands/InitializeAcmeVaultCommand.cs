using System;
using System.Management.Automation;
using AcmePS.Core.Vault.Protection;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>
    /// Sets up a vault's protection: a new vault, or one an older AcmePS wrote (schema 1), whose plaintext keys are
    /// encrypted now. A vault that is already protected is refused (Set-AcmeVault changes it).
    /// </summary>
    [Cmdlet(VerbsData.Initialize, "AcmeVault", SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeVaultInfo))]
    public sealed class InitializeAcmeVaultCommand : VaultProtectionCmdlet
    {
        protected override void ProcessRecord()
        {
            try
            {
                var vault = VaultCommands.Open(this, Path);
                string mode = Protection ?? ProtectionModes.DefaultHere(SecureText.Plain(Passphrase));
                if (!ShouldProcess(vault.Store.Location, $"Protect the vault with {mode}, encrypting every key in it")) return;
                if (mode == ProtectionModes.None) WriteWarning(VaultCommands.NoneWarning);
                int? cost = RequestedKdfCost;
                var store = VaultCommands.Protected(vault);
                Run(ct => System.Threading.Tasks.Task.Run(() => VaultProtection.Initialize(store, Protection, SecureText.Plain(Passphrase), cost, ct), ct));
                WriteObject(VaultCommands.Info(vault));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Path);
            }
        }
    }
}
