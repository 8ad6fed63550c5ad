using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using AcmePS.Core.Http;
using AcmePS.Core.Jws;
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
            bool onlyReturnExisting, CancellationToken cancellationToken, ExternalAccountBinding externalAccountBinding = null)
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
                if (externalAccountBinding != null) payload["externalAccountBinding"] = externalAccountBinding.Sign(key, directory.NewAccount);
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
            var response = await PostAsync(accountUrl, null, key, accountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false);
            var account = ParseJson<AcmeAccountResource>(response, accountUrl);
            account.Location = accountUrl;
            return account;
        }
    
        /// <summary>
        /// Updates the account (POST to its URL): {contact: […]} (§7.3.2) or {status: "deactivated"} (§7.3.6). Both are
        /// idempotent, so repeating after a lost answer is safe.
        /// </summary>
        public async Task<AcmeAccountResource> UpdateAccountAsync(AcmeSigner signer, JObject payload, CancellationToken cancellationToken)
        {
            var response = await PostAsync(signer.AccountUrl, payload, signer.Key, signer.AccountUrl.AbsoluteUri, true, cancellationToken).ConfigureAwait(false);
            var account = ParseJson<AcmeAccountResource>(response, signer.AccountUrl);
            account.Location = signer.AccountUrl;
            return account;
        }

        /// <summary>
        /// keyChange (RFC 8555 §7.3.5): the outer JWS is signed by the current key (kid = account URL), the inner one by
        /// <paramref name="newKey"/> (jwk = the new key, no nonce) over {account, oldKey}. Not repeated blindly: when the
        /// answer is lost, the account is read with the new key to learn whether the change happened.
        /// </summary>
        public async Task ChangeKeyAsync(AcmeSigner signer, AcmeKey newKey, CancellationToken cancellationToken)
        {
            var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
            if (directory.KeyChange == null)
                throw new AcmeException("AcmeKeyChangeUnsupported", AcmeErrorKind.InvalidOperation, "This CA's directory offers no keyChange.");
            string url = directory.KeyChange.AbsoluteUri;
            var innerHeader = new JObject { ["alg"] = newKey.JwsAlgorithm, ["jwk"] = Jwk.FromKey(newKey), ["url"] = url };
            var innerPayload = new JObject { ["account"] = signer.AccountUrl.AbsoluteUri, ["oldKey"] = Jwk.FromKey(signer.Key) };
            var inner = JObject.Parse(JwsSigner.SignWith(innerHeader, innerPayload, newKey.Sign));
            try
            {
                await PostAsync(directory.KeyChange, inner, signer.Key, signer.AccountUrl.AbsoluteUri, false, cancellationToken).ConfigureAwait(false);
            }
            catch (AcmeException ex) when (ex.ErrorId == "AcmeServerUnreachable" || (ex is AcmeProblemException p && p.HttpStatus >= 500))
            {
                AcmeTrace.Write($"keyChange failed ({ex.Message}); checking whether the CA already has the new key");
                bool changed;
                try
                {
                    await GetAccountAsync(newKey, signer.AccountUrl, cancellationToken).ConfigureAwait(false);
                    changed = true;
                }
                catch (AcmeException)
                {
                    changed = false;
                }
                if (!changed) throw;
            }
        }
    }
}
