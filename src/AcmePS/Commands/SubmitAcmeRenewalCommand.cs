using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core;
using AcmePS.Core.Challenges;
using AcmePS.Core.Crypto;
using AcmePS.Core.Http;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>
    /// Renews the certificates that are due (ARI window, else the lifetime rule) by ordering them again with the plugin
    /// settings, key type, chain, profile and lifetime recorded on each order, sending "replaces". Unattended: it never
    /// prompts, writes only the certificates it renewed, and one error per certificate that failed.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Submit, "AcmeRenewal", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(AcmeCertificate))]
    public sealed class SubmitAcmeRenewalCommand : AcmeCmdlet
    {
        private const string ByName = "ByName";
        private const string AllSet = "All";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(CertificateNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Every certificate of the vault (of every server and account, unless -Server or -Account narrow it).</summary>
        [Parameter(Mandatory = true, ParameterSetName = AllSet)]
        public SwitchParameter All { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AccountId")]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        /// <summary>Renew the selected certificates whether they are due or not.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>How many certificates to renew at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 300;

        private readonly List<OrderRecord> _selected = new List<OrderRecord>();
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, AcmeSession> _sessions = new Dictionary<string, AcmeSession>(StringComparer.OrdinalIgnoreCase);

        protected override void ProcessRecord()
        {
            try
            {
                if (All)
                {
                    foreach (var session in AllSessions())
                        foreach (var order in OrderOperations.List(session).Where(o => o.Certificate != null))
                        {
                            if (order.Certificate.Revoked != null) { WriteVerbose($"{order.Name}: revoked, not renewed by -All (name it to renew it)."); continue; }
                            Select(order);
                        }
                    return;
                }
                var byName = OpenSession(Server, Account);
                foreach (string name in Name)
                {
                    try
                    {
                        foreach (var order in CertificateSelection.Find(byName, name)) Select(order);
                    }
                    catch (Exception ex) when (IsReportable(ex))
                    {
                        WriteAcmeError(ex, name);
                    }
                }
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name?.FirstOrDefault());
            }
        }

        protected override void EndProcessing()
        {
            var bulk = new BulkIssuance(this, ThrottleLimit, "Renewing certificates");
            foreach (var order in _selected)
            {
                try
                {
                    var session = SessionFor(order.ServerId, order.AccountId);
                    bulk.Start(order.Name, ct => RenewIfDueAsync(session, order, ct));
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, order.Name);
                }
            }
            bulk.WaitAll();
        }

        private IEnumerable<AcmeSession> AllSessions()
        {
            var servers = Server != null ? new[] { AcmeSession.FindServer(Vault, Server) } : Vault.Servers().ToArray();
            foreach (var server in servers)
                foreach (var account in Vault.Accounts(server.Id))
                    if (Account == null || string.Equals(account.Id, Account, StringComparison.OrdinalIgnoreCase)
                        || string.Equals(account.Url?.AbsoluteUri, Account, StringComparison.OrdinalIgnoreCase))
                        yield return SessionFor(server.Id, account.Id);
        }

        private void Select(OrderRecord order)
        {
            if (_seen.Add(order.ServerId + "/" + order.AccountId + "/" + order.Name)) _selected.Add(order);
        }

        private AcmeSession SessionFor(string serverId, string accountId)
        {
            string key = serverId + "/" + accountId;
            if (!_sessions.TryGetValue(key, out var session)) _sessions[key] = session = AcmeSession.Open(Vault, serverId, accountId);
            return session;
        }

        /// <summary>
        /// On the pipeline thread: the plugin recorded on the order, found and checked now, so that a renewal that cannot
        /// run unattended fails before anything is sent.
        /// </summary>
        private IssueRequest Prepare(AcmeSession session, OrderRecord order)
        {
            var settings = session.Vault.GetPluginSettings(order);
            if (settings == null || string.IsNullOrEmpty(settings.Plugin))
                throw new AcmeException("AcmeRenewalPluginUnknown", AcmeErrorKind.InvalidOperation,
                    $"'{order.Name}' cannot be renewed unattended: its challenges were answered by hand, so no plugin is recorded on the order. "
                    + "Renew it once with New-AcmeCertificate -Plugin (later renewals use that plugin).") { Target = order.Name };
            var plugin = PluginCommands.Resolve(this, settings.Plugin);
            var parameters = PluginSettings.ToHashtable(settings);
            plugin.CheckParameters(parameters);
            return new IssueRequest
            {
                Session = session,
                Identifiers = Identifiers.Normalize(order.DnsNames, order.IpAddresses),
                Name = order.Name,
                Plugin = plugin,
                PluginParameters = parameters,
                ChallengeType = settings.ChallengeType ?? "dns-01",
                KeyType = order.KeyType != null ? KeyTypes.Parse(order.KeyType) : (KeyType?)null,
                PreferredChain = order.PreferredChain,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                // The profile is the order's own: OrderOperations keeps it for a new order of the same name.
                OrderOptions = new NewOrderOptions(),
            };
        }

        /// <summary>
        /// Asks whether the certificate is due (ARI), and renews it when it is (or with -Force). The plugin is needed,
        /// and checked, only then: a certificate answered by hand is reported when it is due, not on every run.
        /// </summary>
        private async Task<OrderRecord> RenewIfDueAsync(AcmeSession session, OrderRecord order, CancellationToken ct)
        {
            // Two runs that overlap (a scheduled task and a person, two tasks) renew a certificate once: the second waits,
            // then finds the new certificate, not due.
            using (session.Vault.Store.Lock(AcmeVault.OrderFolder(order) + "/renewal", TimeSpan.FromSeconds(TimeoutSeconds), ct))
            {
                order = session.Vault.GetOrder(order.ServerId, order.AccountId, order.Name) ?? order;
                return await RenewLockedAsync(session, order, ct).ConfigureAwait(false);
            }
        }

        private async Task<OrderRecord> RenewLockedAsync(AcmeSession session, OrderRecord order, CancellationToken ct)
        {
            var status = await RenewalOperations.GetStatusAsync(session, order, ct).ConfigureAwait(false);
            if (!status.IsDue && !Force)
            {
                AcmeTrace.Write($"{order.Name}: not due; renewal at {status.RenewAt.UtcDateTime:u} ({status.Source})");
                return null;
            }
            var request = await OnPipelineThread(() => Prepare(session, order)).ConfigureAwait(false);
            string why = status.IsDue ? $"due since {status.RenewAt.UtcDateTime:u} ({status.Source})" : "not due, -Force";
            bool go = await OnPipelineThread(() => ShouldProcess($"{order.Name} ({string.Join(", ", request.Identifiers.All)})",
                $"Renew the certificate, {why}, using the {request.Plugin.Name} plugin")).ConfigureAwait(false);
            if (!go) return null;
            var options = request.OrderOptions;
            if (order.RequestedLifetime.HasValue) options.NotAfter = DateTimeOffset.UtcNow + order.RequestedLifetime.Value;
            if (await session.Client.SupportsRenewalInfoAsync(ct).ConfigureAwait(false)) options.Replaces = status.CertificateId;
            return await CertificateIssuer.IssueAsync(this, request, null, ct).ConfigureAwait(false);
        }
    }
}
