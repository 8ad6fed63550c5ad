using System.Management.Automation;
using System.Security;
using AcmePS.Core.Vault.Protection;

namespace AcmePS.Internal
{
    /// <summary>The parameters Initialize-AcmeVault and Set-AcmeVault share: which vault, and how to protect it.</summary>
    public abstract class VaultProtectionCmdlet : AcmeCmdlet
    {
        /// <summary>The vault's folder or blob container URL; default: the current vault (ACMEPS_VAULT or the user's default).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        [ValidateSet(ProtectionModes.DpapiUser, ProtectionModes.DpapiMachine, ProtectionModes.Key, ProtectionModes.None)]
        public string Protection { get; set; }

        /// <summary>Key protection's passphrase; default: ACMEPS_VAULT_KEY.</summary>
        [Parameter]
        public SecureString Passphrase { get; set; }

        /// <summary>log2 of scrypt's N for Key protection.</summary>
        [Parameter]
        [ValidateRange(KdfRecord.MinCost, KdfRecord.MaxCost)]
        public int KdfCost { get; set; }

        /// <summary>-KdfCost when given; null leaves the cost to ACMEPS_VAULT_KDFCOST or the default.</summary>
        protected int? RequestedKdfCost => MyInvocation.BoundParameters.ContainsKey(nameof(KdfCost)) ? KdfCost : (int?)null;
    }
}
