using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using AcmePS.Core.Crypto;
using AcmePS.Core.Vault.Protection;
using Newtonsoft.Json;

namespace AcmePS.Core.Vault
{
    /// <summary>
    /// The vault's layout over an <see cref="IVaultStore"/>:
    /// vault.json; servers/&lt;server&gt;/server.json; …/accounts/&lt;account&gt;/{account.json, account.key};
    /// …/accounts/&lt;account&gt;/orders/&lt;order&gt;/{order.json, cert-&lt;id&gt;.key, cert-&lt;id&gt;.pem, chain-&lt;id&gt;-N.pem}.
    /// </summary>
    public sealed class AcmeVault
    {
        private static readonly JsonSerializerSettings Json = new JsonSerializerSettings
        {
            Formatting = Formatting.Indented,
            NullValueHandling = NullValueHandling.Ignore,
            DateParseHandling = DateParseHandling.DateTimeOffset,
        };

        public AcmeVault(IVaultStore store)
        {
            Store = store;
        }

        public IVaultStore Store { get; }

        public static AcmeVault OpenDefault() => Open(VaultStores.DefaultLocation());

        /// <summary>The vault at a location (folder or URL), its secret files encrypted by the vault's protection.</summary>
        public static AcmeVault Open(string location) => new AcmeVault(new ProtectedVaultStore(VaultStores.Open(location)));

        /// <summary>
        /// Throws AcmeVaultKeyMissing (or another protection error) now when a key could not be stored: commands call
        /// it before they create anything at the CA. Does nothing for a store without protection (tests).
        /// </summary>
        public void RequireSecretsWritable() => (Store as ProtectedVaultStore)?.EnsureWritable();

        // ---- config -------------------------------------------------------------------------------------------

        public VaultConfig Config
        {
            get
            {
                var config = ReadJson<VaultConfig>("vault.json") ?? new VaultConfig();
                if (config.SchemaVersion > VaultConfig.CurrentSchema)
                    throw new AcmeException("AcmeVaultSchemaTooNew", AcmeErrorKind.InvalidData,
                        $"The vault at {Store.Location} has schema {config.SchemaVersion}; this AcmePS reads up to {VaultConfig.CurrentSchema}. Update AcmePS.");
                return config;
            }
        }

        public void SaveConfig(VaultConfig config)
        {
            // A protected vault is schema 2 even when this config was read before its protection was set up.
            if (config.SchemaVersion < VaultConfig.CurrentSchema && Store.Exists(VaultProtection.ProtectionFile)) config.SchemaVersion = VaultConfig.CurrentSchema;
            WriteJson("vault.json", config);
        }

        // ---- servers ------------------------------------------------------------------------------------------

        public static string ServerIdFor(Uri directoryUrl)
        {
            string id = directoryUrl.Host + (directoryUrl.IsDefaultPort ? "" : "_" + directoryUrl.Port) + directoryUrl.AbsolutePath;
            return Sanitize(id);
        }

        public IReadOnlyList<ServerRecord> Servers() =>
            Store.ListFolders("servers").Select(GetServer).Where(s => s != null).ToList();

        public ServerRecord GetServer(string id) => IsSafeName(id) ? ReadJson<ServerRecord>($"servers/{id}/server.json") : null;

        public void SaveServer(ServerRecord server) => WriteJson($"servers/{server.Id}/server.json", server);

        /// <summary>The directory as last read from the CA, and when; null when there is none.</summary>
        public DirectoryCache GetDirectoryCache(string serverId) =>
            IsSafeName(serverId) ? ReadJson<DirectoryCache>($"servers/{serverId}/directory.json") : null;

        public void SaveDirectoryCache(string serverId, Newtonsoft.Json.Linq.JObject directory) =>
            WriteJson($"servers/{serverId}/directory.json", new DirectoryCache { Fetched = DateTimeOffset.UtcNow, Directory = directory });

        public void DeleteDirectoryCache(string serverId) => Store.Delete($"servers/{serverId}/directory.json");

        // ---- accounts -----------------------------------------------------------------------------------------

        public static string AccountIdFor(Uri accountUrl)
        {
            string last = accountUrl.AbsolutePath.TrimEnd('/').Split('/').Last();
            return Sanitize(string.IsNullOrEmpty(last) ? accountUrl.AbsoluteUri : last);
        }

        public IReadOnlyList<AccountRecord> Accounts(string serverId) =>
            Store.ListFolders($"servers/{serverId}/accounts").Select(a => GetAccount(serverId, a)).Where(a => a != null).ToList();

        public AccountRecord GetAccount(string serverId, string accountId) =>
            IsSafeName(serverId) && IsSafeName(accountId) ? ReadJson<AccountRecord>($"servers/{serverId}/accounts/{accountId}/account.json") : null;

        public AcmeKey GetAccountKey(AccountRecord account)
        {
            string pem = Store.Read($"{AccountFolder(account)}/account.key");
            if (pem == null)
                throw new AcmeException("AcmeAccountKeyMissing", AcmeErrorKind.InvalidData,
                    $"The key of account {account.Id} is missing from the vault at {Store.Location}.") { Target = account.Id };
            return AcmeKey.FromPem(pem);
        }

        /// <summary>Writes the key first: an account record never exists without its key.</summary>
        public void SaveAccount(AccountRecord account, AcmeKey key = null)
        {
            if (key != null) Store.Write($"{AccountFolder(account)}/account.key", key.ToPem(), secret: true);
            WriteJson($"{AccountFolder(account)}/account.json", account);
        }

        /// <summary>
        /// A key rollover's new key, written as account.key.new before the CA is asked, so that an interruption never
        /// loses the key the CA may already have.
        /// </summary>
        public void SavePendingAccountKey(AccountRecord account, AcmeKey key) =>
            Store.Write($"{AccountFolder(account)}/account.key.new", key.ToPem(), secret: true);

        /// <summary>After the CA confirmed the rollover: the new key becomes account.key, and account.key.new goes.</summary>
        public void CommitPendingAccountKey(AccountRecord account, AcmeKey key)
        {
            SaveAccount(account, key);
            Store.Delete($"{AccountFolder(account)}/account.key.new");
        }

        /// <summary>The new key of a rollover that was interrupted (account.key.new), or null when there is none.</summary>
        public AcmeKey GetPendingAccountKey(AccountRecord account)
        {
            string pem = Store.Read($"{AccountFolder(account)}/account.key.new");
            return pem == null ? null : AcmeKey.FromPem(pem);
        }

        public bool HasPendingAccountKey(AccountRecord account) => Store.Read($"{AccountFolder(account)}/account.key.new") != null;

        /// <summary>The CA kept the old key: account.key.new goes, account.key stays.</summary>
        public void DiscardPendingAccountKey(AccountRecord account) => Store.Delete($"{AccountFolder(account)}/account.key.new");
        /// <summary>Removes the account's folder: its key, its record and every order under it.</summary>
        public void DeleteAccount(AccountRecord account) => Store.DeleteFolder(AccountFolder(account));

        private static string AccountFolder(AccountRecord a) => $"servers/{a.ServerId}/accounts/{a.Id}";

        // ---- orders and certificates --------------------------------------------------------------------------

        public static string OrderFolder(string serverId, string accountId, string name) => $"servers/{serverId}/accounts/{accountId}/orders/{name}";

        public static string OrderFolder(OrderRecord o) => OrderFolder(o.ServerId, o.AccountId, o.Name);

        /// <summary>
        /// Holds the order's name for the caller across processes, from the new order to the stored certificate, so two
        /// processes (or two pipelines) never work on one name at once. Waits up to <paramref name="timeout"/>.
        /// </summary>
        public IDisposable LockOrder(string serverId, string accountId, string name, TimeSpan timeout, System.Threading.CancellationToken ct)
        {
            if (!IsSafeName(serverId) || !IsSafeName(accountId) || !IsSafeName(name))
                throw new ArgumentException($"Invalid order name '{name}'.", nameof(name));
            return Store.Lock($"order!{serverId}!{accountId}!{name}", timeout, ct);
        }

        public IReadOnlyList<OrderRecord> Orders(string serverId, string accountId) =>
            Store.ListFolders($"servers/{serverId}/accounts/{accountId}/orders")
                .Select(n => GetOrder(serverId, accountId, n)).Where(o => o != null).ToList();

        public OrderRecord GetOrder(string serverId, string accountId, string name) =>
            IsSafeName(serverId) && IsSafeName(accountId) && IsSafeName(name) ? ReadJson<OrderRecord>($"{OrderFolder(serverId, accountId, name)}/order.json") : null;

        public void SaveOrder(OrderRecord order) => WriteJson($"{OrderFolder(order)}/order.json", order);

        public void DeleteOrder(OrderRecord order) => Store.DeleteFolder(OrderFolder(order));

        public string ReadOrderFile(OrderRecord order, string file) => Store.Read($"{OrderFolder(order)}/{file}");

        public void WriteOrderFile(OrderRecord order, string file, string text, bool secret = false) =>
            Store.Write($"{OrderFolder(order)}/{file}", text, secret);

        public void DeleteOrderFile(OrderRecord order, string file) => Store.Delete($"{OrderFolder(order)}/{file}");

        /// <summary>The plugin settings recorded on the order (plugin.json), or null.</summary>
        public PluginSettingsRecord GetPluginSettings(OrderRecord order) => ReadJson<PluginSettingsRecord>($"{OrderFolder(order)}/plugin.json");

        /// <summary>Records the plugin settings on the order, as a secret file.</summary>
        public void SavePluginSettings(OrderRecord order, PluginSettingsRecord settings) =>
            Store.Write($"{OrderFolder(order)}/plugin.json", JsonConvert.SerializeObject(settings, Json), secret: true);

        public string OrderFilePath(OrderRecord order, string file) => Store.LocalPath($"{OrderFolder(order)}/{file}");

        // ---- helpers ------------------------------------------------------------------------------------------

        private T ReadJson<T>(string path) where T : class
        {
            string text = Store.Read(path);
            if (text == null) return null;
            try
            {
                return JsonConvert.DeserializeObject<T>(text, Json);
            }
            catch (JsonException ex)
            {
                throw new AcmeException("AcmeVaultFileInvalid", AcmeErrorKind.InvalidData,
                    $"The vault file {path} in {Store.Location} is not valid JSON: {ex.Message}", ex) { Target = path };
            }
        }

        private void WriteJson(string path, object value) => Store.Write(path, JsonConvert.SerializeObject(value, Json));

        private static readonly Regex Unsafe = new Regex("[^A-Za-z0-9._!-]+", RegexOptions.Compiled);
        private static readonly Regex Safe = new Regex("^[A-Za-z0-9._!-]+$", RegexOptions.Compiled);

        /// <summary>A name that is one plain file or folder name everywhere: ids, order names, file names.</summary>
        public static bool IsSafeName(string name) => name != null && name != "." && name != ".." && Safe.IsMatch(name);

        private static string Sanitize(string text) => Unsafe.Replace(text, "_").Trim('_', '.');
    }
}
