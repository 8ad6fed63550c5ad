using AcmePS.Core.Vault.Protection;

namespace AcmePS.Models
{
    /// <summary>A vault and its protection, as Get-AcmeVault shows it. Never holds key material.</summary>
    public sealed class AcmeVaultInfo
    {
        public string Path { get; set; }
        /// <summary>DpapiUser, DpapiMachine, Key or None; null while the vault has no protection yet.</summary>
        public string Protection { get; set; }
        public bool Initialized { get; set; }
        public int SchemaVersion { get; set; }
        public string KeyId { get; set; }
        public string Kdf { get; set; }
        /// <summary>True while a change of protection or key was interrupted: run Set-AcmeVault again to finish it.</summary>
        public bool ReencryptionPending { get; set; }
        public int SecretFiles { get; set; }
        public int UnencryptedSecretFiles { get; set; }
        public int Servers { get; set; }

        internal static AcmeVaultInfo From(VaultStatus s) => new AcmeVaultInfo
        {
            Path = s.Location,
            Protection = s.Mode,
            Initialized = s.Initialized,
            SchemaVersion = s.SchemaVersion,
            KeyId = s.KeyId,
            Kdf = s.Kdf,
            ReencryptionPending = s.ReencryptionPending,
            SecretFiles = s.SecretFiles,
            UnencryptedSecretFiles = s.UnencryptedSecretFiles,
            Servers = s.Servers,
        };

        public override string ToString() => Path;
    }
}
