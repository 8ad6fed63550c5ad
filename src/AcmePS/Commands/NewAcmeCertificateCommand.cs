using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Challenges;
using AcmePS.Core.Http;
using AcmePS.Core.Crypto;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>
    /// The one-liner: order, challenges published through a plugin, validation, finalize and download. Creates the
    /// account first when there is none and -AcceptTermsOfService is given.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "AcmeCertificate", SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeCertificate))]
    public sealed class NewAcmeCertificateCommand : OrderingCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DnsNames")]
        [AllowEmptyCollection] // a piped IP-only certificate has no DNS names: the check is that some identifier is given
        public string[] DnsName { get; set; }

        /// <summary>IP addresses for the certificate (RFC 8738): http-01 validates them; the CSR has them as SANs and no CN.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("IPAddresses")]
        [AllowEmptyCollection]
        public string[] IPAddress { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>The plugin X whose Publish-AcmeXChallenge / Unpublish-AcmeXChallenge answer the challenges.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PluginCompleter))]
        public string Plugin { get; set; }

        /// <summary>Parameters splatted into the plugin's Publish and Unpublish commands.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Hashtable PluginParameters { get; set; }

        [Parameter]
        [ValidateSet("dns-01", "http-01", "tls-alpn-01", "dns-account-01", "dns-persist-01", IgnoreCase = true)]
        public string ChallengeType { get; set; } = "dns-01";

        [Parameter]
        [ValidateSet("ec256", "ec384", "rsa2048", "rsa3072", "rsa4096", IgnoreCase = true)]
        public string KeyType { get; set; }

        /// <summary>With no account yet: create one, accepting the CA's terms of service.</summary>
        [Parameter]
        public SwitchParameter AcceptTermsOfService { get; set; }

        /// <summary>Contact e-mail addresses for an account created here.</summary>
        [Parameter]
        public string[] Contact { get; set; }

        /// <summary>The server (name, id or URL) instead of the vault's default; a piped certificate brings its own.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        /// <summary>The account (id or URL) instead of the server's default; a piped certificate brings its own (AccountId).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AccountId")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 300;

        /// <summary>The issuer common name whose chain becomes the default when the CA offers several.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string PreferredChain { get; set; }

        /// <summary>How many certificates to work on at once (pipeline input); 1 issues them one after another.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>Stay under this many requests per second to the CA (all certificates of this command together).</summary>
        [Parameter]
        [ValidateRange(0.1, 10000)]
        public double MaxRequestsPerSecond { get; set; }

        /// <summary>Keep the current certificate's key for the new one (and for its renewals); -ReuseKey:$false stops that.</summary>
        [Parameter]
        public SwitchParameter ReuseKey { get; set; }

        /// <summary>The DNS servers (host or host:port) the propagation check asks, instead of the plugin's or the zone's own.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] DnsServer { get; set; }

        /// <summary>Submit dns-01 challenges without waiting for the DNS servers to serve the records.</summary>
        [Parameter]
        public SwitchParameter SkipPropagationCheck { get; set; }

        private BulkIssuance _bulk;

        /// <summary>One limiter for every request of this command, and of no other.</summary>
        protected override void BeginProcessing()
        {
            if (MaxRequestsPerSecond > 0) RequestLimiter = new RequestRateLimiter(MaxRequestsPerSecond);
        }

        protected override void ProcessRecord()
        {
            string target = Name ?? DnsName?.FirstOrDefault() ?? IPAddress?.FirstOrDefault();
            try
            {
                var request = Prepare();
                if (request == null) return;
                if (ThrottleLimit == 1)
                {
                    var order = Run(ct => CertificateIssuer.IssueAsync(this, request, Progress, ct));
                    if (order != null) { WarnIfNotPreferred(order); WriteObject(AcmeCertificate.From(request.Session.Vault, order)); }
                    return;
                }
                StartInBulk(request);
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, target);
            }
        }

        protected override void EndProcessing() => _bulk?.WaitAll();

        /// <summary>Checks and resolves one request on the pipeline thread; null when -WhatIf or the user declined.</summary>
        private IssueRequest Prepare()
        {
            var names = Identifiers.Normalize(DnsName, IPAddress);
            if (Name != null) Identifiers.ValidateOrderName(Name);
            KeyType? keyType = KeyType != null ? KeyTypes.Parse(KeyType) : (KeyType?)null;
            AccountOperations.NormalizeContacts(Contact);
            var plugin = PluginCommands.Resolve(this, Plugin);
            plugin.CheckParameters(PluginParameters);
            Core.Dns.DnsServerAddress.Validate(DnsServer);
            var session = OpenSession(Server, Account);
            if (!ShouldProcess(string.Join(", ", names.All), $"Issue a certificate from {session.Server.Name} using the {plugin.Name} plugin")) return null;
            session = EnsureAccount(session);
            return new IssueRequest
            {
                Session = session,
                Identifiers = names,
                Name = Name,
                Plugin = plugin,
                PluginParameters = PluginParameters,
                ChallengeType = ChallengeType.ToLowerInvariant(),
                KeyType = keyType,
                PreferredChain = PreferredChain,
                ReuseKey = MyInvocation.BoundParameters.ContainsKey(nameof(ReuseKey)) ? ReuseKey.IsPresent : (bool?)null,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                OrderOptions = OrderOptions(session),
                DnsServers = DnsServer,
                SkipPropagationCheck = SkipPropagationCheck,
            };
        }

        /// <summary>
        /// Starts the request beside the others (at most -ThrottleLimit at once). Its certificate or its errors are
        /// written as soon as it finishes; one failure does not stop the rest.
        /// </summary>
        private void StartInBulk(IssueRequest request)
        {
            if (_bulk == null) _bulk = new BulkIssuance(this, ThrottleLimit, "Issuing certificates");
            _bulk.Start(request.Target, ct => CertificateIssuer.IssueAsync(this, request, null, ct));
        }

        private AcmeSession EnsureAccount(AcmeSession session)
        {
            if (session.Account != null) return session;
            if (!AcceptTermsOfService) session.RequireAccount(); // throws AcmeAccountNotFound with what to do
            var account = Run(ct => AccountOperations.NewAccountAsync(session, Contact, true, Core.Crypto.KeyType.EC256, ct));
            WriteVerbose($"Created account {account.Id} at {session.Server.Name}.");
            return AcmeSession.Open(session.Vault, session.Server.Id, account.Id);
        }
    }
}
