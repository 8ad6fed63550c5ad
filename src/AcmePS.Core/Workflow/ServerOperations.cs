using System;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using AcmePS.Core.Http;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    public static class ServerOperations
    {
        /// <summary>
        /// Reads the directory first and writes only when the server answered as an ACME CA, then makes it the
        /// vault's default server.
        /// </summary>
        public static async Task<ServerRecord> SetServerAsync(AcmeVault vault, string nameOrUrl, string trustedRootPem, CancellationToken ct)
        {
            Uri url = KnownServers.Resolve(nameOrUrl, out string name);
            var roots = string.IsNullOrEmpty(trustedRootPem) ? null : TrustedRoots.FromPem(trustedRootPem);
            string id = AcmeVault.ServerIdFor(url);
            var existing = vault.GetServer(id);
            if (roots == null && existing?.TrustedRootPem != null) roots = TrustedRoots.FromPem(existing.TrustedRootPem);
            var directory = await AcmeClient.For(url, roots).GetDirectoryAsync(ct, refresh: true).ConfigureAwait(false);

            var record = existing ?? new ServerRecord { Id = id, Created = DateTimeOffset.UtcNow };
            record.Name = name;
            record.DirectoryUrl = url;
            record.TrustedRootPem = roots?.Pem;
            record.TermsOfService = directory.Meta?.TermsOfService;
            record.ExternalAccountRequired = directory.Meta?.ExternalAccountRequired ?? false;
            vault.SaveServer(record);
            vault.SaveDirectoryCache(id, directory.Raw);
            var config = vault.Config;
            config.DefaultServer = id;
            vault.SaveConfig(config);
            return record;
        }
    }

    public static class AccountOperations
    {
        /// <summary>Creates the account at the CA, stores it with its key and makes it the server's default account.</summary>
        public static async Task<AccountRecord> NewAccountAsync(AcmeSession session, string[] contact, bool acceptTermsOfService,
            KeyType keyType, CancellationToken ct)
        {
            var directory = await session.Client.GetDirectoryAsync(ct).ConfigureAwait(false);
            if (!acceptTermsOfService)
                throw new AcmeException("AcmeTermsOfServiceNotAccepted", AcmeErrorKind.InvalidArgument,
                    $"{session.Server.Name} requires you to accept its terms of service ({directory.Meta?.TermsOfService ?? "see its website"}). Add -AcceptTermsOfService.");
            if (directory.Meta?.ExternalAccountRequired == true)
                throw new AcmeException("AcmeExternalAccountRequired", AcmeErrorKind.InvalidArgument,
                    $"{session.Server.Name} requires External Account Binding, which this version of New-AcmeAccount does not send yet.");
            var contacts = NormalizeContacts(contact);
            var key = AcmeKey.Generate(keyType);
            var resource = await session.Client.NewAccountAsync(key, contacts, true, false, ct).ConfigureAwait(false);
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
