using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Protocol
{
    public sealed partial class AcmeClient
    {
        /// <summary>
        /// newAccount (RFC 8555 §7.3). With <paramref name="onlyReturnExisting"/> it only finds the account of the key
        /// (an AcmeAccountDoesNotExist error when there is none). Repeating it is safe: the CA answers with the same account.
        /// </summary>
        public async Task<AcmeAccountResource> NewAccountAsync(AcmeKey key, IEnumerable<string> contact, bool termsOfServiceAgreed,
            bool onlyReturnExisting, CancellationToken cancellationToken)
        {
            var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
            var payload = new JObject();
            if (onlyReturnExisting)
            {
                payload["onlyReturnExisting"] = true;
            }
            else
            {
                payload["termsOfServiceAgreed"] = termsOfServiceAgreed;
                var contacts = (contact ?? Enumerable.Empty<string>()).ToList();
                if (contacts.Count > 0) payload["contact"] = new JArray(contacts);
            }
            var response = await PostAsync(directory.NewAccount, payload, key, null, true, cancellationToken).ConfigureAwait(false);
            var account = ParseJson<AcmeAccountResource>(response, directory.NewAccount);
            account.Location = response.Location ?? throw new AcmeException("AcmeServerResponseInvalid", AcmeErrorKind.InvalidData,
                "The CA created the account but sent no Location header with its URL.");
            return account;
        }

        /// <summary>Reads the account (POST-as-GET to its URL).</summary>
        public async Task<AcmeAccountResource> GetAccountAsync(AcmeKey key, Uri accountUrl, CancellationToken cancellationToken)
        {
            var response = await PostAsync(accountUrl, new JObject(), key, accountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false);
            var account = ParseJson<AcmeAccountResource>(response, accountUrl);
            account.Location = accountUrl;
            return account;
        }
    }
}
