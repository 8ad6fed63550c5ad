using System;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using AcmePS.Core.Http;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    /// <summary>What <see cref="AccountKeyRecovery.RecoverAsync"/> found.</summary>
    public enum PendingKeyOutcome
    {
        /// <summary>No rollover was pending.</summary>
        None,
        /// <summary>The CA has the new key: it replaced account.key.</summary>
        Committed,
        /// <summary>The CA still has the old key: the new one was dropped.</summary>
        Discarded,
    }

    /// <summary>
    /// Finishes a key rollover that was interrupted between writing account.key.new and the CA's answer. The CA is
    /// asked which key it holds for the account (newAccount with onlyReturnExisting, signed by each key in turn: the
    /// old one first); the vault then keeps that key. Nothing changes when the CA knows neither.
    /// </summary>
    public static class AccountKeyRecovery
    {
        public static async Task<PendingKeyOutcome> RecoverAsync(AcmeClient client, AcmeVault vault, AccountRecord account, CancellationToken ct)
        {
            if (account == null) return PendingKeyOutcome.None;
            var pending = vault.GetPendingAccountKey(account);
            if (pending == null) return PendingKeyOutcome.None;
            var current = vault.GetAccountKey(account);
            AcmeTrace.Write($"Account {account.Id}: a key rollover was interrupted; asking the CA which key it has");
            if (await IsKeyOfAsync(client, current, account.Url, ct).ConfigureAwait(false))
            {
                vault.DiscardPendingAccountKey(account);
                return PendingKeyOutcome.Discarded;
            }
            if (await IsKeyOfAsync(client, pending, account.Url, ct).ConfigureAwait(false))
            {
                account.KeyType = pending.Type.ToName();
                vault.CommitPendingAccountKey(account, pending);
                return PendingKeyOutcome.Committed;
            }
            throw new AcmeException("AcmeAccountKeyUnknown", AcmeErrorKind.PermissionDenied,
                $"The CA knows neither the key of account {account.Id} nor the new key of its interrupted rollover (account.key.new); "
                + "both are kept in the vault. The account may have been deactivated.") { Target = account.Id };
        }

        /// <summary>True when the CA finds this account (and not another) for the key.</summary>
        private static async Task<bool> IsKeyOfAsync(AcmeClient client, AcmeKey key, Uri accountUrl, CancellationToken ct)
        {
            try
            {
                var found = await client.NewAccountAsync(key, null, false, true, ct).ConfigureAwait(false);
                return string.Equals(found.Location?.AbsoluteUri, accountUrl.AbsoluteUri, StringComparison.Ordinal);
            }
            catch (AcmeProblemException ex) when (ex.Problem.ShortType == "accountDoesNotExist" || ex.Problem.ShortType == "unauthorized")
            {
                return false;
            }
        }
    }
}
