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
