using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>
    /// Export-AcmeVault / Import-AcmeVault: every file of a vault's layout, decrypted, in one JSON document that is
    /// gzipped and sealed with AES-256-GCM under a key derived (scrypt) from the archive's own passphrase. The archive
    /// is independent of both vaults' protection: imported secrets are encrypted by the destination's protection.
    /// </summary>
    public static class VaultArchive
    {
        public const string Format = "acmeps-vault-archive";
        private const int Version = 1;
        private const string AssociatedData = "acmeps-vault-archive:v1";

        /// <summary>The archive text and how many files it holds.</summary>
        public static string Export(AcmeVault vault, string passphrase, int? kdfCost, out int count)
        {
            RequirePassphrase(passphrase);
            var files = new JObject();
            foreach (string path in VaultLayout.Files(vault.Store, null).ToList())
            {
                string text = vault.Store.Read(path);
                if (text != null) files[path] = text;
            }
            count = files.Count;
            var kdf = new KdfRecord { Cost = kdfCost ?? KdfRecord.DefaultCost, Salt = Convert.ToBase64String(VaultCrypto.RandomBytes(16)) };
            byte[] plain = Gzip(Encoding.UTF8.GetBytes(new JObject { ["files"] = files }.ToString(Formatting.None)));
            byte[] key = VaultCrypto.DeriveKey(passphrase, kdf);
            try
            {
                var archive = new JObject
                {
                    ["format"] = Format,
                    ["version"] = Version,
                    ["source"] = vault.Store.Location,
                    ["created"] = DateTimeOffset.UtcNow,
                    ["files"] = count,
                    ["kdf"] = JObject.FromObject(kdf),
                    ["data"] = Convert.ToBase64String(VaultCrypto.Seal(key, plain, AssociatedData)),
                };
                return archive.ToString(Formatting.Indented);
            }
            finally
            {
                Array.Clear(key, 0, key.Length);
                Array.Clear(plain, 0, plain.Length);
            }
        }

        /// <summary>
        /// Writes the archive's files into <paramref name="vault"/>. Everything is decrypted and checked before the
        /// first write; a vault that already holds servers is refused unless <paramref name="force"/> (then files of
        /// the same path are replaced, others kept).
        /// </summary>
        public static IReadOnlyList<string> Import(AcmeVault vault, string archiveText, string passphrase, bool force, string source)
        {
            RequirePassphrase(passphrase);
            JObject archive;
            try { archive = JObject.Parse(archiveText); }
            catch (JsonException) { archive = null; }
            if (archive == null || (string)archive["format"] != Format || (int?)archive["version"] != Version || archive["kdf"] == null || archive["data"] == null)
                throw new AcmeException("AcmeVaultArchiveInvalid", AcmeErrorKind.InvalidData,
                    $"'{source}' is not an AcmePS vault archive (made by Export-AcmeVault).") { Target = source };
            byte[] key = VaultCrypto.DeriveKey(passphrase, archive["kdf"].ToObject<KdfRecord>());
            byte[] plain;
            try
            {
                plain = VaultCrypto.Open(key, Convert.FromBase64String((string)archive["data"]), AssociatedData);
            }
            catch (FormatException) { plain = null; }
            finally { Array.Clear(key, 0, key.Length); }
            if (plain == null)
                throw new AcmeException("AcmeVaultKeyInvalid", AcmeErrorKind.SecurityError,
                    $"The passphrase does not open the vault archive '{source}' (or the archive was changed).") { Target = source };
            var files = (JObject)JObject.Parse(Encoding.UTF8.GetString(Gunzip(plain)))["files"];
            Array.Clear(plain, 0, plain.Length);

            var paths = files.Properties().Select(p => p.Name).ToList();
            foreach (string path in paths)
                if (!path.Split('/').All(AcmeVault.IsSafeName) || path == VaultProtection.ProtectionFile)
                    throw new AcmeException("AcmeVaultArchiveInvalid", AcmeErrorKind.InvalidData,
                        $"The vault archive '{source}' holds a file with an invalid path.") { Target = source };
            if (!force && vault.Store.ListFolders("servers").Count > 0)
                throw new AcmeException("AcmeVaultNotEmpty", AcmeErrorKind.ResourceExists,
                    $"The vault at {vault.Store.Location} already holds servers; import into an empty vault, or add -Force to replace files of the same path.") { Target = vault.Store.Location };
            vault.RequireSecretsWritable();

            // vault.json: the archive's default server only where the destination has none.
            if (files["vault.json"] != null)
            {
                var imported = JsonConvert.DeserializeObject<VaultConfig>((string)files["vault.json"]);
                var config = vault.Config;
                if (string.IsNullOrEmpty(config.DefaultServer) && !string.IsNullOrEmpty(imported?.DefaultServer))
                {
                    config.DefaultServer = imported.DefaultServer;
                    vault.SaveConfig(config);
                }
            }
            // Keys before the records that name them, as the vault itself writes them.
            foreach (string path in paths.Where(p => p != "vault.json").OrderBy(p => VaultLayout.IsSecretFile(p) ? 0 : 1).ThenBy(p => p, StringComparer.Ordinal))
                vault.Store.Write(path, (string)files[path], VaultLayout.IsSecretFile(path));
            return paths;
        }

        private static void RequirePassphrase(string passphrase)
        {
            if (string.IsNullOrEmpty(passphrase) || passphrase.Length < VaultProtection.MinPassphraseLength)
                throw new AcmeException("AcmeVaultPassphraseInvalid", AcmeErrorKind.InvalidArgument,
                    $"An archive passphrase must have at least {VaultProtection.MinPassphraseLength} characters.");
        }

        private static byte[] Gzip(byte[] data)
        {
            using (var output = new MemoryStream())
            {
                using (var gzip = new GZipStream(output, CompressionLevel.Optimal, true)) gzip.Write(data, 0, data.Length);
                return output.ToArray();
            }
        }

        private static byte[] Gunzip(byte[] data)
        {
            using (var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress))
            using (var output = new MemoryStream())
            {
                input.CopyTo(output);
                return output.ToArray();
            }
        }
    }
}
