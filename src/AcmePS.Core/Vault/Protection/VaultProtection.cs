using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AcmePS.Core.Util;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>
    /// Initializing, changing and inspecting a vault's protection. A change (mode, passphrase or just a new data key)
    /// is safe to interrupt: protection.json first names the new key and keeps every older key sealed with it; then
    /// each secret file is re-encrypted; then the older keys are dropped. Until then every file stays readable with the
    /// new credential alone, and a rerun of Set-AcmeVault finishes the job.
    /// </summary>
    public static class VaultProtection
    {
        public const string ProtectionFile = "protection.json";
        /// <summary>The vault-wide lock: held by a change of protection, and by each secret write for its moment.</summary>
        public const string VaultLock = "vault";
        public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(2);
        public const int MinPassphraseLength = 8;

        /// <summary>
        /// Initialize-AcmeVault: protects a vault that has no protection yet (a new folder, or a schema-1 vault, whose
        /// plaintext keys are encrypted now). A vault that already has protection is refused: use Set-AcmeVault.
        /// </summary>
        public static ProtectionRecord Initialize(ProtectedVaultStore store, string mode, string passphrase, int? kdfCost, CancellationToken ct)
        {
            using (store.Inner.Lock(VaultLock, LockTimeout, ct))
            {
                var current = store.Keyring.Reload();
                if (current != null)
                    throw new AcmeException("AcmeVaultAlreadyInitialized", AcmeErrorKind.ResourceExists,
                        $"The vault at {store.Location} is already protected ({current.Mode}); change its protection or key with Set-AcmeVault.") { Target = store.Location };
                return ChangeLocked(store, mode, passphrase, kdfCost);
            }
        }

        /// <summary>Set-AcmeVault: a new data key under <paramref name="mode"/> (null: the current mode), every secret re-encrypted.</summary>
        public static ProtectionRecord Change(ProtectedVaultStore store, string mode, string passphrase, int? kdfCost, CancellationToken ct,
            IProgress<Workflow.AcmeProgress> progress = null)
        {
            using (store.Inner.Lock(VaultLock, LockTimeout, ct))
            {
                store.Keyring.Reload();
                return ChangeLocked(store, mode, passphrase, kdfCost, ct, progress);
            }
        }

        /// <summary>The change itself; the caller holds the vault lock.</summary>
        internal static ProtectionRecord ChangeLocked(ProtectedVaultStore store, string mode, string passphrase, int? kdfCost, CancellationToken ct = default,
            IProgress<Workflow.AcmeProgress> progress = null)
        {
            var keyring = store.Keyring;
            var old = keyring.Record;
            if (passphrase != null) keyring.Passphrase = passphrase;
            // Everything files may be sealed with, unlocked with the current credential (the -Passphrase given is tried
            // first: after an interrupted change it is the one protection.json already names).
            var oldKeys = keyring.AllKeys();
            mode = ProtectionModes.Normalize(mode ?? old?.Mode ?? ProtectionModes.DefaultHere(passphrase));

            byte[] dataKey = null;
            var record = new ProtectionRecord { Mode = mode, Created = DateTimeOffset.UtcNow };
            if (mode != ProtectionModes.None)
            {
                dataKey = VaultCrypto.RandomBytes(VaultCrypto.KeySize);
                record.KeyId = VaultCrypto.NewKeyId();
                if (mode == ProtectionModes.Key)
                {
                    string secret = passphrase ?? VaultKeyring.EnvironmentPassphrase();
                    if (string.IsNullOrEmpty(secret))
                        throw new AcmeException("AcmeVaultKeyMissing", AcmeErrorKind.SecurityError,
                            $"Key protection needs a passphrase: give -Passphrase, or set the {VaultKeyring.PassphraseVariable} environment variable.") { Target = store.Location };
                    if (secret.Length < MinPassphraseLength)
                        throw new AcmeException("AcmeVaultPassphraseInvalid", AcmeErrorKind.InvalidArgument,
                            $"The vault passphrase must have at least {MinPassphraseLength} characters.") { Target = store.Location };
                    record.Kdf = new KdfRecord { Cost = CostFor(kdfCost, old), Salt = Convert.ToBase64String(VaultCrypto.RandomBytes(16)) };
                    byte[] kek = VaultCrypto.DeriveKey(secret, record.Kdf);
                    record.WrappedKey = Convert.ToBase64String(VaultCrypto.Seal(kek, dataKey, VaultKeyring.WrapData(record.KeyId)));
                    Array.Clear(kek, 0, kek.Length);
                }
                else
                {
                    record.WrappedKey = Convert.ToBase64String(Dpapi.Protect(dataKey, mode, record.KeyId));
                }
            }
            else if (kdfCost != null)
            {
                throw new AcmeException("AcmeVaultProtectionInvalid", AcmeErrorKind.InvalidArgument, "-KdfCost applies to Key protection only.") { Target = mode };
            }

            foreach (var pair in oldKeys)
                record.RetiredKeys.Add(new RetiredKey
                {
                    KeyId = pair.Key,
                    Key = Convert.ToBase64String(dataKey == null ? pair.Value : VaultCrypto.Seal(dataKey, pair.Value, VaultKeyring.RetiredData(pair.Key))),
                });
            var allKeys = new Dictionary<string, byte[]>(oldKeys);
            if (dataKey != null) allKeys[record.KeyId] = dataKey;

            // 1. The new key, with every older one sealed under it: from here on the new credential reads everything.
            Save(store, record, allKeys);
            MarkSchema(store.Inner);
            // 2. Each secret file into the new form.
            var files = VaultLayout.SecretFiles(store.Inner).ToList();
            const string activity = "Re-encrypting the vault's secret files";
            for (int i = 0; i < files.Count; i++)
            {
                string path = files[i];
                ct.ThrowIfCancellationRequested();
                progress?.Report(new Workflow.AcmeProgress(activity, $"{i + 1} of {files.Count}", i * 100 / files.Count));
                string text = store.Inner.Read(path);
                if (text == null) continue;
                bool sealedNow = VaultEnvelope.IsSealed(text);
                if (sealedNow && VaultEnvelope.KeyIdOf(text) == record.KeyId) continue;
                if (!sealedNow && mode == ProtectionModes.None) continue;
                string plain = sealedNow ? keyring.Decrypt(path, text) : text;
                store.Inner.Write(path, store.SealForCurrent(path, plain), true);
            }
            progress?.Report(new Workflow.AcmeProgress(activity, "done", 100) { Completed = true });
            // 3. The older keys go.
            record.RetiredKeys.Clear();
            Save(store, record, dataKey == null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]> { [record.KeyId] = dataKey });
            if (dataKey != null) VaultKeyring.Remember(store.Location, record, dataKey);
            return record;
        }

        private static void Save(ProtectedVaultStore store, ProtectionRecord record, IDictionary<string, byte[]> keys)
        {
            string text = JsonConvert.SerializeObject(record, Formatting.Indented);
            store.Inner.Write(ProtectionFile, text, false);
            store.Keyring.Adopt(text, record, keys);
        }

        /// <summary>vault.json says schema 2 once the vault has protection.json (older AcmePS then refuses it).</summary>
        private static void MarkSchema(IVaultStore store)
        {
            JObject config;
            try { config = JObject.Parse(store.Read("vault.json") ?? "{}"); }
            catch (JsonException) { return; }
            if ((int?)config["schemaVersion"] >= VaultConfig.CurrentSchema) return;
            config["schemaVersion"] = VaultConfig.CurrentSchema;
            store.Write("vault.json", config.ToString(Formatting.Indented), false);
        }

        private static int CostFor(int? requested, ProtectionRecord old)
        {
            int cost;
            if (requested != null) cost = requested.Value;
            else if (old?.Kdf != null) cost = old.Kdf.Cost;
            else
            {
                string env = Environment.GetEnvironmentVariable(VaultKeyring.KdfCostVariable);
                if (string.IsNullOrWhiteSpace(env)) cost = KdfRecord.DefaultCost;
                else if (!int.TryParse(env, out cost))
                    cost = -1;
            }
            if (cost < KdfRecord.MinCost || cost > KdfRecord.MaxCost)
                throw new AcmeException("AcmeVaultKdfCostInvalid", AcmeErrorKind.InvalidArgument,
                    $"The key derivation cost must be between {KdfRecord.MinCost} and {KdfRecord.MaxCost} (log2 of scrypt's N; {KdfRecord.DefaultCost} is the default).") { Target = requested };
            return cost;
        }

        /// <summary>Unlock-AcmeVault: checks the passphrase and keeps the data key for the rest of the process.</summary>
        public static ProtectionRecord Unlock(ProtectedVaultStore store, string passphrase)
        {
            var record = store.Keyring.Reload();
            if (record == null)
                throw new AcmeException("AcmeVaultNotInitialized", AcmeErrorKind.InvalidOperation,
                    $"The vault at {store.Location} has no protection yet; run Initialize-AcmeVault.") { Target = store.Location };
            if (record.Mode != ProtectionModes.Key)
                throw new AcmeException("AcmeVaultProtectionInvalid", AcmeErrorKind.InvalidOperation,
                    $"The vault at {store.Location} is protected with {record.Mode}, which needs no passphrase.") { Target = store.Location };
            store.Keyring.Passphrase = passphrase;
            store.Keyring.AllKeys();
            return record;
        }

        /// <summary>What Get-AcmeVault shows.</summary>
        public static VaultStatus Status(AcmeVault vault)
        {
            var store = vault.Store as ProtectedVaultStore;
            var inner = store?.Inner ?? vault.Store;
            var record = store?.Keyring.Reload();
            var secrets = VaultLayout.SecretFiles(inner).Select(p => inner.Read(p)).Where(t => t != null).ToList();
            return new VaultStatus
            {
                Location = vault.Store.Location,
                SchemaVersion = vault.Config.SchemaVersion,
                Initialized = record != null,
                Mode = record?.Mode,
                KeyId = record?.KeyId,
                Kdf = record?.Kdf?.ToString(),
                KdfCost = record?.Kdf?.Cost,
                ReencryptionPending = record?.RetiredKeys?.Count > 0,
                SecretFiles = secrets.Count,
                UnencryptedSecretFiles = secrets.Count(t => !VaultEnvelope.IsSealed(t)),
                Servers = inner.ListFolders("servers").Count,
            };
        }
    }

    public sealed class VaultStatus
    {
        public string Location { get; set; }
        public int SchemaVersion { get; set; }
        public bool Initialized { get; set; }
        public string Mode { get; set; }
        public string KeyId { get; set; }
        public string Kdf { get; set; }
        public int? KdfCost { get; set; }
        public bool ReencryptionPending { get; set; }
        public int SecretFiles { get; set; }
        public int UnencryptedSecretFiles { get; set; }
        public int Servers { get; set; }
    }
}
