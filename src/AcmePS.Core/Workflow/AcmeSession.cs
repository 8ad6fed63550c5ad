using System;
using System.Linq;
using AcmePS.Core.Http;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    /// <summary>
    /// One server, and usually one account, of one vault: what every operation on orders and certificates needs.
    /// Resolved once per command, so a default changed by another process cannot change a running command.
    /// </summary>
    public sealed class AcmeSession
    {
        private AcmeSigner _signer;

        private AcmeSession(AcmeVault vault, ServerRecord server, AccountRecord account)
        {
            Vault = vault;
            Server = server;
            Account = account;
            Client = ClientFor(server);
            UseDirectoryCache(vault, server, Client);
        }

        /// <summary>How long a directory read from the CA is used by later processes before it is read again.</summary>
        public static readonly TimeSpan DirectoryCacheLifetime = TimeSpan.FromHours(24);

        /// <summary>
        /// A new process takes the directory from the vault while it is fresh (one request fewer per command), and
        /// every directory read from the CA, or found stale, updates the vault.
        /// </summary>
        private static void UseDirectoryCache(AcmeVault vault, ServerRecord server, AcmeClient client)
        {
            // The client is shared by every vault of the process that uses this CA; the directory is the CA's, the same
            // for all of them, but it is written only into a vault that (still) holds this server.
            client.DirectoryFetched = raw => Quietly(() => { if (vault.GetServer(server.Id) != null) vault.SaveDirectoryCache(server.Id, raw); });
            client.DirectoryInvalidated = () => Quietly(() => { if (vault.GetServer(server.Id) != null) vault.DeleteDirectoryCache(server.Id); });
            if (client.HasDirectory) return;
            DirectoryCache cache = null;
            Quietly(() => cache = vault.GetDirectoryCache(server.Id));
            if (cache != null && DateTimeOffset.UtcNow - cache.Fetched < DirectoryCacheLifetime) client.Seed(cache.Directory);
        }

        /// <summary>The cache is an optimisation: a vault that cannot be read or written for it changes nothing.</summary>
        private static void Quietly(Action action)
        {
            try
            {
                action();
            }
            catch (Exception ex) when (ex is AcmeException || ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
            }
        }

        public AcmeVault Vault { get; }

        public ServerRecord Server { get; }

        public AccountRecord Account { get; }

        public AcmeClient Client { get; }

        public AcmeSigner Signer => _signer ?? (_signer = new AcmeSigner(Vault.GetAccountKey(RequireAccount()), Account.Url));

        public static AcmeClient ClientFor(ServerRecord server) =>
            AcmeClient.For(server.DirectoryUrl, string.IsNullOrEmpty(server.TrustedRootPem) ? null : TrustedRoots.FromPem(server.TrustedRootPem));

        /// <summary>
        /// Opens the named server (id, name or directory URL; default: the vault's default server) and the named account
        /// (default: the server's default account, which may not exist yet).
        /// </summary>
        public static AcmeSession Open(AcmeVault vault, string server = null, string account = null)
        {
            var serverRecord = FindServer(vault, server);
            AccountRecord accountRecord = null;
            string accountId = account ?? serverRecord.DefaultAccount;
            if (accountId != null)
            {
                accountRecord = vault.GetAccount(serverRecord.Id, accountId)
                    ?? vault.Accounts(serverRecord.Id).FirstOrDefault(a => string.Equals(a.Url?.AbsoluteUri, accountId, StringComparison.OrdinalIgnoreCase));
                if (accountRecord == null && account != null)
                    throw new AcmeException("AcmeAccountNotFound", AcmeErrorKind.NotFound,
                        $"There is no account '{account}' for {serverRecord.Name} in the vault at {vault.Store.Location}.") { Target = account };
            }
            return new AcmeSession(vault, serverRecord, accountRecord);
        }

        public static ServerRecord FindServer(AcmeVault vault, string server)
        {
            string wanted = server ?? vault.Config.DefaultServer;
            if (wanted == null)
                throw new AcmeException("AcmeServerNotSet", AcmeErrorKind.InvalidOperation,
                    "No ACME server is set for this vault. Run Set-AcmeServer first (for example: Set-AcmeServer LetsEncryptStaging).");
            var found = vault.GetServer(wanted) ?? vault.Servers().FirstOrDefault(s =>
                string.Equals(s.Name, wanted, StringComparison.OrdinalIgnoreCase)
                || string.Equals(s.DirectoryUrl?.AbsoluteUri, wanted, StringComparison.OrdinalIgnoreCase)
                || (KnownServers.Directories.TryGetValue(wanted, out string url) && string.Equals(s.DirectoryUrl?.AbsoluteUri, url, StringComparison.OrdinalIgnoreCase)));
            if (found == null)
                throw new AcmeException("AcmeServerNotFound", AcmeErrorKind.NotFound,
                    $"The server '{wanted}' is not in the vault at {vault.Store.Location}. Add it with Set-AcmeServer.") { Target = wanted };
            return found;
        }

        public AccountRecord RequireAccount()
        {
            if (Account != null) return Account;
            throw new AcmeException("AcmeAccountNotFound", AcmeErrorKind.NotFound,
                $"There is no account for {Server.Name} in the vault. Create one with New-AcmeAccount -AcceptTermsOfService.") { Target = Server.Name };
        }
    }
}
