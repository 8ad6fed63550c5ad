using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core;
using AcmePS.Core.Dns.Providers.AcmeDns;

namespace AcmePS.Plugins
{
    /// <summary>
    /// The parameters and work of Publish/Unpublish-AcmeAcmeDnsChallenge: one acme-dns registration per name, made on
    /// first use and kept in the vault; _acme-challenge.&lt;name&gt; must be a CNAME to the registration's fulldomain.
    /// </summary>
    public abstract class AcmeDnsPlugin : DnsPluginCmdlet
    {
        private const string Prefix = "_acme-challenge.";

        /// <summary>The acme-dns server, e.g. https://auth.acme-dns.io/.</summary>
        [Parameter(Mandatory = true)]
        public Uri Server { get; set; }

        /// <summary>Networks (CIDR) allowed to update a new registration.</summary>
        [Parameter]
        public string[] AllowFrom { get; set; }

        /// <summary>The DNS server (IP[:port]) that checks the CNAME; the system's resolvers by default.</summary>
        [Parameter]
        public string DnsServer { get; set; }

        protected override string ProviderName => "acme-dns";

        protected override async Task ApplyAsync(IReadOnlyDictionary<string, IReadOnlyCollection<string>> records, CancellationToken ct)
        {
            if (!Publishing)
            {
                await OnPipelineThread(() => WriteVerbose("acme-dns keeps only the two latest values of a registration and has no way to delete them: nothing to remove.")).ConfigureAwait(false);
                return;
            }
            var dnsServer = CnameLookup.ParseServer(DnsServer);
            var client = new AcmeDnsClient(Server, Vault.Store);
            foreach (var record in records)
            {
                string name = record.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? record.Key.Substring(Prefix.Length) : record.Key;
                string alias = Prefix + name + ".";
                var registration = client.Find(name);
                if (registration == null)
                {
                    registration = await client.RegisterAsync(name, AllowFrom, ct).ConfigureAwait(false);
                    string message = $"Registered {name} at acme-dns {Server} (kept in the vault as {client.VaultPath(name)}). "
                        + $"Create this DNS record once: {alias} CNAME {registration.FullDomain}.";
                    await OnPipelineThread(() => WriteWarning(message)).ConfigureAwait(false);
                }
                string target = await CnameLookup.QueryAsync(alias, dnsServer, ct).ConfigureAwait(false);
                if (target == null)
                    await OnPipelineThread(() => WriteWarning($"The CNAME {alias} could not be checked (no DNS server answered).")).ConfigureAwait(false);
                else if (!string.Equals(target.TrimEnd('.'), registration.FullDomain.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))
                    throw new AcmeException("AcmeDnsCnameMissing", AcmeErrorKind.InvalidOperation,
                        $"{alias} must be a CNAME to {registration.FullDomain}. (acme-dns answers the challenge there), "
                        + (target.Length == 0 ? "but it has no CNAME yet" : $"but it points to {target}")
                        + $". Create the record '{alias} CNAME {registration.FullDomain}.' and try again.") { Target = name };
                if (record.Value.Count > 2)
                    await OnPipelineThread(() => WriteWarning($"acme-dns keeps only two TXT values for {name}; {record.Value.Count} were asked for.")).ConfigureAwait(false);
                foreach (string value in record.Value)
                    await client.UpdateAsync(registration, value, ct).ConfigureAwait(false);
            }
        }
    }
}
