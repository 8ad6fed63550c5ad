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

        /// <summary>
        /// Named secret files, every key file (cert-&lt;id&gt;.key), and everything plugins keep under plugins/ (acme-dns
        /// registrations hold passwords).
        /// </summary>
        public static bool IsSecretFile(string path)
        {
            int slash = path.LastIndexOf('/');
            string name = slash < 0 ? path : path.Substring(slash + 1);
            return SecretNames.Contains(name, StringComparer.OrdinalIgnoreCase)
                || name.EndsWith(".key", StringComparison.OrdinalIgnoreCase)
                || path.StartsWith("plugins/", StringComparison.Ordinal);
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
                    foreach (string file in store.ListFiles(accountFolder)) yield return $"{accountFolder}/{file}";
                    foreach (string order in store.ListFolders($"{accountFolder}/orders"))
                    {
                        string orderFolder = $"{accountFolder}/orders/{order}";
                        foreach (string file in store.ListFiles(orderFolder)) yield return $"{orderFolder}/{file}";
                    }
                }
            }
            foreach (string file in FilesBelow(store, "plugins")) yield return file;
        }

        private static IEnumerable<string> FilesBelow(IVaultStore store, string folder)
        {
            foreach (string file in store.ListFiles(folder)) yield return $"{folder}/{file}";
            foreach (string sub in store.ListFolders(folder))
                foreach (string file in FilesBelow(store, $"{folder}/{sub}")) yield return file;
        }
    }
}
