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
}
