using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>How requests to the container are authorized: a SAS in the query, Shared Key, or a bearer token.</summary>
    internal abstract class BlobCredential
    {
        /// <summary>A SAS query to add to every request, or null.</summary>
        public virtual string Sas => null;

        /// <summary>The Authorization header for a request, or null for none.</summary>
        public abstract Task<string> AuthorizationAsync(string method, Uri uri, IDictionary<string, string> headers, long contentLength, CancellationToken cancellationToken);

        /// <summary>
        /// The credential for a vault URL: a SAS in the URL; else the connection string in ACMEPS_VAULT_CONNECTION_STRING
        /// or AZURE_STORAGE_CONNECTION_STRING (AccountName + AccountKey, or SharedAccessSignature); else the managed identity.
        /// </summary>
        public static BlobCredential Resolve(BlobAddress address, Func<string, string> env, Uri imdsBase, HttpClient tokenHttp)
        {
            if (address.Sas != null) return new SasCredential(address.Sas);
            foreach (string name in new[] { "ACMEPS_VAULT_CONNECTION_STRING", "AZURE_STORAGE_CONNECTION_STRING" })
            {
                string text = env(name);
                if (string.IsNullOrWhiteSpace(text)) continue;
                var cs = BlobConnectionString.Parse(text, name);
                if (cs.AccountKey == null) return new SasCredential(cs.SharedAccessSignature);
                if (address.Account != null && !string.Equals(address.Account, cs.AccountName, StringComparison.OrdinalIgnoreCase))
                    throw new AcmeException("AcmeVaultCredentialInvalid", AcmeErrorKind.InvalidArgument,
                        $"The connection string in {name} is for account '{cs.AccountName}', but the vault {address.Display} is in account '{address.Account}'.") { Target = address.Display };
                return new SharedKeyCredential(new SharedKeySigner(cs.AccountName, cs.AccountKey));
            }
            // One token source per identity endpoint and client id, so that the commands of one session share the token.
            string key = string.Join("|", env("IDENTITY_ENDPOINT"), env("IDENTITY_HEADER"), env("MSI_ENDPOINT"), env("MSI_SECRET"),
                env("ACMEPS_VAULT_CLIENT_ID"), (imdsBase ?? ManagedIdentityTokenSource.DefaultImds).AbsoluteUri);
            return new BearerCredential(TokenSources.GetOrAdd(key, _ => new ManagedIdentityTokenSource(env, imdsBase, tokenHttp)));
        }

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ManagedIdentityTokenSource> TokenSources =
            new System.Collections.Concurrent.ConcurrentDictionary<string, ManagedIdentityTokenSource>();
    }

    internal sealed class SasCredential : BlobCredential
    {
        private readonly string _sas;

        public SasCredential(string sas) { _sas = sas; }

        public override string Sas => _sas;

        public override Task<string> AuthorizationAsync(string method, Uri uri, IDictionary<string, string> headers, long contentLength, CancellationToken cancellationToken) =>
            Task.FromResult<string>(null);
    }

    internal sealed class SharedKeyCredential : BlobCredential
    {
        private readonly SharedKeySigner _signer;

        public SharedKeyCredential(SharedKeySigner signer) { _signer = signer; }

        public override Task<string> AuthorizationAsync(string method, Uri uri, IDictionary<string, string> headers, long contentLength, CancellationToken cancellationToken) =>
            Task.FromResult(_signer.Authorization(method, uri, headers, contentLength));
    }

    internal sealed class BearerCredential : BlobCredential
    {
        public BearerCredential(ManagedIdentityTokenSource tokens) { Tokens = tokens; }

        public ManagedIdentityTokenSource Tokens { get; }

        public override async Task<string> AuthorizationAsync(string method, Uri uri, IDictionary<string, string> headers, long contentLength, CancellationToken cancellationToken) =>
            "Bearer " + await Tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
    }
}
