using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    /// <summary>Local removal of orders and accounts (Remove-AcmeOrder, Remove-AcmeAccount).</summary>
    public static class VaultOperations
    {
        /// <summary>Removes the order's folder: its record, certificate, chains, key and plugin settings.</summary>
        public static OrderRecord RemoveOrder(AcmeSession session, OrderRecord order)
        {
            session.Vault.DeleteOrder(order);
            return order;
        }

        /// <summary>
        /// Removes the account (its key, record and every order under it) from the vault; with
        /// <paramref name="deactivate"/> it is first deactivated at the CA (unless it is already), so nothing is
        /// removed when the CA cannot be told. The server's default account is cleared when it was this one.
        /// </summary>
        public static async Task<AccountRecord> RemoveAccountAsync(AcmeSession session, bool deactivate, CancellationToken ct)
        {
            var account = session.RequireAccount();
            if (deactivate && account.Status != AcmeStatus.Deactivated)
                account = await AccountOperations.DeactivateAsync(session, ct).ConfigureAwait(false);
            session.Vault.DeleteAccount(account);
            var server = session.Vault.GetServer(session.Server.Id);
            if (server != null && server.DefaultAccount == account.Id)
            {
                server.DefaultAccount = null;
                session.Vault.SaveServer(server);
            }
            return account;
        }
    }
}
