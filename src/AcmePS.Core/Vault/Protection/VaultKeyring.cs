using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>
    /// The protection of one vault as this process knows it: protection.json and the data keys unwrapped from it.
    /// Unwrapped keys are also kept for the rest of the process (per vault, key id and wrapped form), so a session
    /// derives the passphrase's key once: Unlock-AcmeVault fills that cache, and nothing ever writes it out.
    /// </summary>
    public sealed class VaultKeyring
    {
        public const string PassphraseVariable = "ACMEPS_VAULT_KEY";
        public const string KdfCostVariable = "ACMEPS_VAULT_KDFCOST";
        private static readonly ConcurrentDictionary<string, byte[]> SessionKeys = new ConcurrentDictionary<string, byte[]>();

        private readonly IVaultStore _inner;
        // Parallel issuances (New-AcmeCertificate -ThrottleLimit) share one store: the keyring's state is guarded.
        private readonly object _sync = new object();
        private string _text;
        private ProtectionRecord _record;
        private readonly Dictionary<string, byte[]> _keys = new Dictionary<string, byte[]>();

        public VaultKeyring(IVaultStore inner) => _inner = inner;

        /// <summary>A passphrase given to a cmdlet (-Passphrase); tried before ACMEPS_VAULT_KEY.</summary>
        public string Passphrase { get; set; }

        /// <summary>ACMEPS_VAULT_KEY, or null.</summary>
        public static string EnvironmentPassphrase()
        {
            string value = Environment.GetEnvironmentVariable(PassphraseVariable);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        /// <summary>The protection as last read (reading it the first time); null for a vault not yet protected.</summary>
        public ProtectionRecord Record
        {
            get { lock (_sync) return _text == null ? Reload() : _record; }
        }

        /// <summary>Reads protection.json again (another process may have changed the key); keeps the keys if not.</summary>
        public ProtectionRecord Reload()
        {
            string text = _inner.Read(VaultProtection.ProtectionFile) ?? "";
            lock (_sync) return Parse(text);
        }

        private ProtectionRecord Parse(string text)
        {
            if (text == _text) return _record;
            _text = text;
            _keys.Clear();
            try
            {
                _record = text.Length == 0 ? null : JsonConvert.DeserializeObject<ProtectionRecord>(text);
            }
            catch (JsonException ex)
            {
                throw new AcmeException("AcmeVaultFileInvalid", AcmeErrorKind.InvalidData,
                    $"The vault file {VaultProtection.ProtectionFile} in {_inner.Location} is not valid JSON.", ex) { Target = VaultProtection.ProtectionFile };
            }
            return _record;
        }

        /// <summary>After this process wrote protection.json itself: the record and the keys it already holds.</summary>
        internal void Adopt(string text, ProtectionRecord record, IDictionary<string, byte[]> keys)
        {
            lock (_sync) AdoptLocked(text, record, keys);
        }

        private void AdoptLocked(string text, ProtectionRecord record, IDictionary<string, byte[]> keys)
        {
            _text = text;
            _record = record;
            _keys.Clear();
            foreach (var pair in keys) _keys[pair.Key] = pair.Value;
        }

        /// <summary>The current data key (null in None mode), unwrapping it on first use.</summary>
        public byte[] CurrentKey()
        {
            lock (_sync) return CurrentKeyLocked();
        }

        private byte[] CurrentKeyLocked()
        {
            var record = Record;
            if (record == null || record.Mode == ProtectionModes.None) return null;
            if (_keys.TryGetValue(record.KeyId, out byte[] key)) return key;
            key = Unwrap(record);
            _keys[record.KeyId] = key;
            return key;
        }

        /// <summary>Every key files may be sealed with: the current one and any retired one, by id.</summary>
        public IDictionary<string, byte[]> AllKeys()
        {
            lock (_sync) return AllKeysLocked();
        }

        private IDictionary<string, byte[]> AllKeysLocked()
        {
            var record = Record;
            var result = new Dictionary<string, byte[]>();
            if (record == null) return result;
            byte[] current = CurrentKey();
            if (current != null) result[record.KeyId] = current;
            foreach (var retired in record.RetiredKeys ?? new List<RetiredKey>())
            {
                byte[] data = Convert.FromBase64String(retired.Key);
                byte[] key = current == null ? data : VaultCrypto.Open(current, data, RetiredData(retired.KeyId));
                if (key == null)
                    throw new AcmeException("AcmeVaultFileInvalid", AcmeErrorKind.InvalidData,
                        $"The retired key {retired.KeyId} in {VaultProtection.ProtectionFile} of the vault at {_inner.Location} does not open with the current key.");
                result[retired.KeyId] = key;
            }
            return result;
        }

        /// <summary>Opens a sealed file, or says clearly which key is missing.</summary>
        public string Decrypt(string path, string text)
        {
            string keyId = VaultEnvelope.KeyIdOf(text);
            if (keyId == null) throw Damaged(path);
            var keys = AllKeys();
            if (!keys.ContainsKey(keyId))
            {
                Reload();
                keys = AllKeys();
            }
            if (!keys.TryGetValue(keyId, out byte[] key))
                throw new AcmeException("AcmeVaultKeyInvalid", AcmeErrorKind.SecurityError,
                    $"The vault file {path} in {_inner.Location} is encrypted with key {keyId}, which the vault's {VaultProtection.ProtectionFile} does not hold "
                    + $"(its key is {Record?.KeyId ?? "none"}). Was the file copied from another vault?") { Target = path };
            return VaultEnvelope.Open(key, path, text) ?? throw Damaged(path);
        }

        private AcmeException Damaged(string path) => new AcmeException("AcmeVaultFileInvalid", AcmeErrorKind.InvalidData,
            $"The encrypted vault file {path} in {_inner.Location} does not decrypt with its key: it was changed or damaged, or moved from another path.") { Target = path };

        internal static string RetiredData(string keyId) => "acmeps-vault-retired:" + keyId;

        internal static string WrapData(string keyId) => "acmeps-vault-key:" + keyId;

        private string CacheKey(ProtectionRecord r) => _inner.Location + "|" + r.KeyId + "|" + r.WrappedKey;

        private byte[] Unwrap(ProtectionRecord record)
        {
            if (SessionKeys.TryGetValue(CacheKey(record), out byte[] cached)) return cached;
            byte[] wrapped = Convert.FromBase64String(record.WrappedKey ?? "");
            byte[] key;
            if (ProtectionModes.IsDpapi(record.Mode))
            {
                key = Dpapi.Unprotect(wrapped, record.Mode, record.KeyId, out int error);
                if (key == null)
                    throw new AcmeException("AcmeVaultKeyInvalid", AcmeErrorKind.SecurityError,
                        $"Windows DPAPI ({record.Mode}) cannot decrypt the key of the vault at {_inner.Location} (error {error}): it was protected by another "
                        + (record.Mode == ProtectionModes.DpapiMachine ? "machine." : "user or on another machine.")) { Target = _inner.Location };
            }
            else if (record.Mode == ProtectionModes.Key)
            {
                key = UnwrapWithPassphrase(record, wrapped);
            }
            else
            {
                throw new AcmeException("AcmeVaultProtectionInvalid", AcmeErrorKind.InvalidData,
                    $"The vault at {_inner.Location} has the protection '{record.Mode}', which this AcmePS does not know.") { Target = _inner.Location };
            }
            SessionKeys[CacheKey(record)] = key;
            return key;
        }

        private byte[] UnwrapWithPassphrase(ProtectionRecord record, byte[] wrapped)
        {
            var tried = new List<string>();
            foreach (var (source, passphrase) in new[] { ("-Passphrase", Passphrase), (PassphraseVariable, EnvironmentPassphrase()) })
            {
                if (string.IsNullOrEmpty(passphrase)) continue;
                tried.Add(source);
                byte[] kek = VaultCrypto.DeriveKey(passphrase, record.Kdf);
                byte[] key = VaultCrypto.Open(kek, wrapped, WrapData(record.KeyId));
                Array.Clear(kek, 0, kek.Length);
                if (key != null) return key;
            }
            if (tried.Count == 0)
                throw new AcmeException("AcmeVaultKeyMissing", AcmeErrorKind.SecurityError,
                    $"The vault at {_inner.Location} is encrypted with a passphrase (Key protection, key {record.KeyId}) and none was given: "
                    + $"set the {PassphraseVariable} environment variable, or run Unlock-AcmeVault.") { Target = _inner.Location };
            throw new AcmeException("AcmeVaultKeyInvalid", AcmeErrorKind.SecurityError,
                $"The passphrase from {string.Join(" and from ", tried)} does not unlock the vault at {_inner.Location} (key {record.KeyId}).") { Target = _inner.Location };
        }

        /// <summary>Forgets every key this process unwrapped (Lock-AcmeVault; tests).</summary>
        public static void ForgetSessionKeys()
        {
            SessionKeys.Clear();
        }

        internal static void Remember(string location, ProtectionRecord record, byte[] key) =>
            SessionKeys[location + "|" + record.KeyId + "|" + record.WrappedKey] = key;
    }
}
