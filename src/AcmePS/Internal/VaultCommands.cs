using System;
using System.Management.Automation;
using System.Security;
using AcmePS.Core;
using AcmePS.Core.Vault;
using AcmePS.Core.Vault.Protection;

namespace AcmePS.Internal
{
    /// <summary>What the vault cmdlets share: the vault a -Path names, and passphrases out of SecureStrings.</summary>
    internal static class VaultCommands
    {
        public const string NoneWarning = "Protection None stores the vault's private keys and plugin secrets in plaintext: anyone who can read the folder (or a backup of it) can use them.";

        /// <summary>The vault at <paramref name="path"/> (a folder, relative to the current location, or a URL); default: the current vault.</summary>
        public static AcmeVault Open(PSCmdlet cmdlet, string path) => AcmeVault.Open(Location(cmdlet, path));

        public static string Location(PSCmdlet cmdlet, string path)
        {
            if (string.IsNullOrEmpty(path)) return VaultStores.DefaultLocation();
            if (Uri.TryCreate(path, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)) return path;
            return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }

        public static ProtectedVaultStore Protected(AcmeVault vault) => (ProtectedVaultStore)vault.Store;

        public static Models.AcmeVaultInfo Info(AcmeVault vault) => Models.AcmeVaultInfo.From(VaultProtection.Status(vault));
    }
}
