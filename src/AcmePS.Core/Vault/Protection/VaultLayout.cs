using System;
using System.Collections.Generic;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>The files of a vault, found by walking its layout (stores list folders, not files).</summary>
    public static class VaultLayout
    {
        /// <summary>The files that hold keys or plugin secrets: always written encrypted unless the protection is None.</summary>
        public static readonly string[] SecretNames = { "account.key", "account.key.new", "cert.key", "pending.key", "plugin.json" };

        private static readonly string[] OrderFiles = { "order.json", "cert.key", "cert.pem", "pending.key", "plugin.json" };
        private static readonly string[] AccountFiles = { "account.json", "account.key", "account.key.new" };

        public static bool IsSecretFile(string path)
        {
            int slash = path.LastIndexOf('/');
            string name = slash < 0 ? path : path.Substring(slash + 1);
            return SecretNames.Contains(name, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>Every secret file that exists in the vault.</summary>
        public static IEnumerable<string> SecretFiles(IVaultStore store) => Files(store, null).Where(IsSecretFile);

        /// <summary>
        /// Every file of the vault's layout that exists: vault.json, server.json, account and order files with the
        /// chains order.json names. Not the directory cache, not protection.json, not locks.
        /// </summary>
        /// <param name="store">The store, read through (chain file names come from order.json).</param>
        /// <param name="orderJson">Reads an order.json (decrypting stores need not be used for this; null: store.Read).</param>
        public static IEnumerable<string> Files(IVaultStore store, Func<string, string> orderJson)
        {
            if (store.Exists("vault.json")) yield return "vault.json";
            foreach (string server in store.ListFolders("servers"))
            {
                string serverFolder = $"servers/{server}";
                if (store.Exists($"{serverFolder}/server.json")) yield return $"{serverFolder}/server.json";
                foreach (string account in store.ListFolders($"{serverFolder}/accounts"))
                {
                    string accountFolder = $"{serverFolder}/accounts/{account}";
                    foreach (string file in AccountFiles)
                        if (store.Exists($"{accountFolder}/{file}")) yield return $"{accountFolder}/{file}";
                    foreach (string order in store.ListFolders($"{accountFolder}/orders"))
                    {
                        string orderFolder = $"{accountFolder}/orders/{order}";
                        foreach (string file in OrderFiles)
                            if (store.Exists($"{orderFolder}/{file}")) yield return $"{orderFolder}/{file}";
                        foreach (string chain in ChainFiles((orderJson ?? store.Read)($"{orderFolder}/order.json")))
                            if (AcmeVault.IsSafeName(chain) && chain != "cert.pem" && store.Exists($"{orderFolder}/{chain}")) yield return $"{orderFolder}/{chain}";
                    }
                }
            }
        }

        private static IEnumerable<string> ChainFiles(string orderJson)
        {
            if (string.IsNullOrEmpty(orderJson)) return new string[0];
            try
            {
                var chains = JObject.Parse(orderJson)["certificate"]?["chains"] as JArray;
                return chains == null ? new string[0] : chains.Select(c => (string)c["file"]).Where(f => f != null).ToList();
            }
            catch (Newtonsoft.Json.JsonException)
            {
                return new string[0];
            }
        }
    }
}
