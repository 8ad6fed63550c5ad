using System;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using AcmePS.Core.Http;
using AcmePS.Core.Jws;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    public static class AccountOperations
    {
        /// <summary>Creates the account at the CA, stores it with its key and makes it the server's default account.</summary>
        public static async Task<AccountRecord> NewAccountAsync(AcmeSession session, string[] contact, bool acceptTermsOfService,
            KeyType keyType, CancellationToken ct, ExternalAccountBinding externalAccountBinding = null)
        {
            var directory = await session.Client.GetDirectoryAsync(ct).ConfigureAwait(false);
            if (!acceptTermsOfService)
                throw new AcmeException("AcmeTermsOfServiceNotAccepted", AcmeErrorKind.InvalidArgument,
                    $"{session.Server.Name} requires you to accept its terms of service ({directory.Meta?.TermsOfService ?? "see its website"}). Add -AcceptTermsOfService.");
            if (directory.Meta?.ExternalAccountRequired == true && externalAccountBinding == null)
                throw new AcmeException("AcmeExternalAccountRequired", AcmeErrorKind.InvalidArgument,
                    $"{session.Server.Name} requires External Account Binding: give the key id and HMAC key the CA gave you with -EabKeyId and -EabHmacKey.");
            var contacts = NormalizeContacts(contact);
            session.Vault.RequireSecretsWritable();   // a missing vault passphrase fails here, not after the CA made the account
            var key = AcmeKey.Generate(keyType);
            var resource = await session.Client.NewAccountAsync(key, contacts, true, false, ct, externalAccountBinding).ConfigureAwait(false);
            var record = new AccountRecord
            {
                Id = AcmeVault.AccountIdFor(resource.Location),
                ServerId = session.Server.Id,
                Url = resource.Location,
                Status = resource.Status ?? AcmeStatus.Valid,
                Contact = resource.Contact ?? contacts,
                KeyType = keyType.ToName(),
                Created = DateTimeOffset.UtcNow,
            };
            session.Vault.SaveAccount(record, key);
            session.Server.DefaultAccount = record.Id;
            session.Vault.SaveServer(session.Server);
            return record;
        }

        /// <summary>Replaces the account's contacts at the CA (an empty list removes them all), then in the vault.</summary>
        public static async Task<AccountRecord> SetContactAsync(AcmeSession session, string[] contact, CancellationToken ct)
        {
            var record = session.RequireAccount();
            var contacts = NormalizeContacts(contact);
            var payload = new Newtonsoft.Json.Linq.JObject { ["contact"] = new Newtonsoft.Json.Linq.JArray(contacts) };
            var resource = await session.Client.UpdateAccountAsync(session.Signer, payload, ct).ConfigureAwait(false);
            record.Contact = resource.Contact != null && resource.Contact.Count > 0 ? resource.Contact : contacts;
            record.Status = resource.Status ?? record.Status;
            session.Vault.SaveAccount(record);
            return record;
        }

        /// <summary>
        /// Key rollover (RFC 8555 §7.3.5). The new key is in the vault (account.key.new) before the CA is asked and
        /// replaces account.key only once the CA confirmed.
        /// </summary>
        public static async Task<AccountRecord> RolloverKeyAsync(AcmeSession session, KeyType keyType, CancellationToken ct)
        {
            var record = session.RequireAccount();
            var signer = session.Signer;
            session.Vault.RequireSecretsWritable();
            var newKey = AcmeKey.Generate(keyType);
            session.Vault.SavePendingAccountKey(record, newKey);
            await session.Client.ChangeKeyAsync(signer, newKey, ct).ConfigureAwait(false);
            record.KeyType = keyType.ToName();
            session.Vault.CommitPendingAccountKey(record, newKey);
            return record;
        }

        /// <summary>Reads the account from the CA (POST-as-GET) and stores its status and contacts in the vault.</summary>
        public static async Task<AccountRecord> RefreshAsync(AcmeSession session, CancellationToken ct)
        {
            var record = session.RequireAccount();
            AcmeAccountResource resource;
            try
            {
                resource = await session.Client.GetAccountAsync(session.Signer.Key, record.Url, ct).ConfigureAwait(false);
            }
            catch (AcmeProblemException ex) when (ex.Problem.Is("unauthorized") && record.Status == AcmeStatus.Deactivated)
            {
                return record; // a CA answers nothing about a deactivated account: the vault already says what there is to say
            }
            record.Status = resource.Status ?? record.Status;
            record.Contact = resource.Contact ?? new System.Collections.Generic.List<string>();
            session.Vault.SaveAccount(record);
            return record;
        }

        /// <summary>Finishes an interrupted key rollover of the session's account, if there is one (see <see cref="AccountKeyRecovery"/>).</summary>
        public static Task<PendingKeyOutcome> RecoverPendingKeyAsync(AcmeSession session, CancellationToken ct) =>
            AccountKeyRecovery.RecoverAsync(session.Client, session.Vault, session.Account, ct);

        /// <summary>True when the session's account has an account.key.new left by an interrupted rollover.</summary>
        public static bool HasPendingKey(AcmeSession session) => session.Account != null && session.Vault.HasPendingAccountKey(session.Account);

        /// <summary>Deactivates the account at the CA (RFC 8555 §7.3.6; it cannot be undone), then marks it so in the vault.</summary>
        public static async Task<AccountRecord> DeactivateAsync(AcmeSession session, CancellationToken ct)
        {
            var record = session.RequireAccount();
            var payload = new Newtonsoft.Json.Linq.JObject { ["status"] = AcmeStatus.Deactivated };
            var resource = await session.Client.UpdateAccountAsync(session.Signer, payload, ct).ConfigureAwait(false);
            record.Status = resource.Status ?? AcmeStatus.Deactivated;
            if (resource.Contact != null && resource.Contact.Count > 0) record.Contact = resource.Contact;
            session.Vault.SaveAccount(record);
            return record;
        }

        /// <summary>"ops@example.com" becomes "mailto:ops@example.com"; anything that is not an address is refused here.</summary>
        public static System.Collections.Generic.List<string> NormalizeContacts(string[] contact)
        {
            var result = new System.Collections.Generic.List<string>();
            foreach (string c in contact ?? new string[0])
            {
                string value = (c ?? "").Trim();
                if (value.Length == 0) continue;
                string address = value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? value.Substring(7) : value;
                int at = address.IndexOf('@');
                if (at <= 0 || at == address.Length - 1 || address.IndexOfAny(new[] { ' ', ',', ';', '<', '>' }) >= 0 || address.IndexOf('.', at) < 0)
                    throw new AcmeException("AcmeContactInvalid", AcmeErrorKind.InvalidArgument,
                        $"'{c}' is not an e-mail address (expected name@example.com).") { Target = c };
                result.Add("mailto:" + address);
            }
            return result;
        }
    }
}
