using System;

namespace AcmePS.Core.Vault
{
    /// <summary>
    /// Opens the store a vault location names: a local folder, or an Azure Blob Storage container URL
    /// https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;[/&lt;prefix&gt;][?&lt;SAS&gt;] (<see cref="Blob.BlobVaultStore"/>).
    /// </summary>
    public static class VaultStores
    {
        /// <summary>The location the vault is at when none is given: ACMEPS_VAULT, else the user's default folder.</summary>
        public static string DefaultLocation() => FileVaultStore.DefaultRoot();

        public static IVaultStore Open(string location)
        {
            if (string.IsNullOrWhiteSpace(location))
                throw new AcmeException("AcmeVaultLocationInvalid", AcmeErrorKind.InvalidArgument, "No vault location was given.");
            if (Blob.BlobAddress.IsUrl(location, out _))
                return new Blob.BlobVaultStore(location);
            return new FileVaultStore(location);
        }
    }
}
