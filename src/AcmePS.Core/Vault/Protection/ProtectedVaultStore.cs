using System;
using System.Collections.Generic;
using System.Threading;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>
    /// Encryption at rest over any <see cref="IVaultStore"/> (a folder, a blob container): every secret write is
    /// sealed with the vault's data key (<see cref="VaultEnvelope"/>), every sealed file is opened on read, everything
    /// else passes through. Callers stay unchanged. A vault with no protection.json yet gets the default protection at
    /// its first secret write (which also encrypts any secret an older AcmePS left in plaintext).
    /// </summary>
    public sealed class ProtectedVaultStore : IVaultStore
    {
        public ProtectedVaultStore(IVaultStore inner)
        {
            Inner = inner;
            Keyring = new VaultKeyring(inner);
        }

        public IVaultStore Inner { get; }

        public VaultKeyring Keyring { get; }

        public string Location => Inner.Location;

        public string Read(string path)
        {
            string text = Inner.Read(path);
            return VaultEnvelope.IsSealed(text) ? Keyring.Decrypt(path, text) : text;
        }

        public void Write(string path, string text, bool secret = false)
        {
            if (!secret && !VaultLayout.IsSecretFile(path))
            {
                Inner.Write(path, text, false);
                return;
            }
            // Under the vault lock, against the protection.json of this moment: a key change in another process
            // cannot miss a file written meanwhile.
            using (Inner.Lock(VaultProtection.VaultLock, VaultProtection.LockTimeout, CancellationToken.None))
            {
                var record = Keyring.Reload();
                if (record == null) record = VaultProtection.ChangeLocked(this, null, null, null);
                Inner.Write(path, SealForCurrent(path, text), true);
            }
        }

        /// <summary>What a secret file holds on disk under the current protection.</summary>
        internal string SealForCurrent(string path, string text)
        {
            var record = Keyring.Record;
            byte[] key = Keyring.CurrentKey();
            return key == null ? text : VaultEnvelope.Seal(record.KeyId, key, path, text);
        }

        /// <summary>
        /// Throws what a secret write would throw for want of a key (AcmeVaultKeyMissing, AcmeVaultKeyInvalid,
        /// AcmeVaultProtectionUnsupported), without writing: commands call it before they ask the CA for anything.
        /// </summary>
        public void EnsureWritable()
        {
            var record = Keyring.Reload();
            if (record != null)
            {
                Keyring.CurrentKey();
                return;
            }
            string mode = ProtectionModes.DefaultHere(Keyring.Passphrase);
            if (mode == ProtectionModes.Key && string.IsNullOrEmpty(Keyring.Passphrase) && VaultKeyring.EnvironmentPassphrase() == null)
                throw new AcmeException("AcmeVaultKeyMissing", AcmeErrorKind.SecurityError,
                    $"The vault at {Location} encrypts its keys with a passphrase and none was given: set the {VaultKeyring.PassphraseVariable} "
                    + "environment variable, or run Initialize-AcmeVault (see Get-Help about_AcmePS_Vault).") { Target = Location };
        }

        public bool Exists(string path) => Inner.Exists(path);

        public void Delete(string path) => Inner.Delete(path);

        public IReadOnlyList<string> ListFolders(string path) => Inner.ListFolders(path);

        public IReadOnlyList<string> ListFiles(string path) => Inner.ListFiles(path);

        public void DeleteFolder(string path) => Inner.DeleteFolder(path);

        public string LocalPath(string path) => Inner.LocalPath(path);

        public IDisposable Lock(string name, TimeSpan timeout, CancellationToken cancellationToken) => Inner.Lock(name, timeout, cancellationToken);
    }
}
