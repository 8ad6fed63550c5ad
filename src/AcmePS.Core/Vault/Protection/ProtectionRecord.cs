using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>How the vault's secret files are protected.</summary>
    public static class ProtectionModes
    {
        public const string None = "None";
        public const string DpapiUser = "DpapiUser";
        public const string DpapiMachine = "DpapiMachine";
        public const string Key = "Key";

        public static readonly string[] All = { DpapiUser, DpapiMachine, Key, None };

        /// <summary>
        /// The mode of a vault whose protection nobody chose: Key when a passphrase is at hand (a runbook or job that
        /// sets ACMEPS_VAULT_KEY wants a vault any machine can open), else DpapiUser on Windows, else Key (which then
        /// asks for a passphrase).
        /// </summary>
        public static string Default(bool isWindows, bool hasPassphrase = false) => hasPassphrase || !isWindows ? Key : DpapiUser;

        /// <summary><see cref="Default"/> for this system and a passphrase given to a cmdlet, or ACMEPS_VAULT_KEY.</summary>
        public static string DefaultHere(string passphrase) =>
            Default(Util.AtomicFile.IsWindows, !string.IsNullOrEmpty(passphrase) || VaultKeyring.EnvironmentPassphrase() != null);

        public static string Normalize(string mode)
        {
            foreach (string m in All)
                if (string.Equals(m, mode, StringComparison.OrdinalIgnoreCase)) return m;
            throw new AcmeException("AcmeVaultProtectionInvalid", AcmeErrorKind.InvalidArgument,
                $"'{mode}' is not a vault protection mode (DpapiUser, DpapiMachine, Key, None).") { Target = mode };
        }

        public static bool IsDpapi(string mode) => mode == DpapiUser || mode == DpapiMachine;
    }

    /// <summary>
    /// protection.json, beside vault.json: the vault's data key, wrapped for the protection mode. Kept apart from
    /// vault.json so that a command that rewrites the defaults (Set-AcmeServer) can never write an older key back.
    /// </summary>
    public sealed class ProtectionRecord
    {
        [JsonProperty("mode")] public string Mode { get; set; }
        /// <summary>The id of the current data key; each encrypted file names the key it was sealed with.</summary>
        [JsonProperty("keyId")] public string KeyId { get; set; }
        /// <summary>Key mode: the data key sealed with the key derived from the passphrase; Dpapi*: the DPAPI blob.</summary>
        [JsonProperty("wrappedKey")] public string WrappedKey { get; set; }
        [JsonProperty("kdf")] public KdfRecord Kdf { get; set; }
        [JsonProperty("created")] public DateTimeOffset Created { get; set; }
        /// <summary>
        /// Only while a change of protection or key is under way: the keys some files may still be sealed with, each
        /// sealed with the current data key (in None mode, where there is no key, as plain base64). A rerun of
        /// Set-AcmeVault finishes the re-encryption and empties this list.
        /// </summary>
        [JsonProperty("retiredKeys")] public List<RetiredKey> RetiredKeys { get; set; } = new List<RetiredKey>();
    }

    public sealed class KdfRecord
    {
        public const string Scrypt = "scrypt";
        public const int DefaultCost = 17;
        public const int MinCost = 10;
        public const int MaxCost = 20;

        [JsonProperty("name")] public string Name { get; set; } = Scrypt;
        /// <summary>log2 of scrypt's N.</summary>
        [JsonProperty("cost")] public int Cost { get; set; } = DefaultCost;
        [JsonProperty("blockSize")] public int BlockSize { get; set; } = 8;
        [JsonProperty("parallelism")] public int Parallelism { get; set; } = 1;
        [JsonProperty("salt")] public string Salt { get; set; }

        public override string ToString() => $"{Name} N=2^{Cost} r={BlockSize} p={Parallelism}";
    }

    public sealed class RetiredKey
    {
        [JsonProperty("keyId")] public string KeyId { get; set; }
        [JsonProperty("key")] public string Key { get; set; }
    }
}
