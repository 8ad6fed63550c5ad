using System;

namespace AcmePS.Core.Vault
{
    /// <summary>
    /// Opens the store a vault location names: a local folder, or (with the Azure Blob store) a container URL
    /// https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;[/&lt;prefix&gt;].
    /// </summary>
    public static class VaultStores
    {
        /// <summary>The location the vault is at when none is given: ACMEPS_VAULT, else the user's default folder.</summary>
        public static string DefaultLocation() => FileVaultStore.DefaultRoot();

        public static IVaultStore Open(string location)
        {
            if (string.IsNullOrWhiteSpace(location))
                throw new AcmeException("AcmeVaultLocationInvalid", AcmeErrorKind.InvalidArgument, "No vault location was given.");
            if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                throw new AcmeException("AcmeVaultLocationUnsupported", AcmeErrorKind.InvalidArgument,
                    $"A vault at a URL ({uri.GetLeftPart(UriPartial.Path)}) is not supported by this build.") { Target = location };
            return new FileVaultStore(location);
        }
    }
}
