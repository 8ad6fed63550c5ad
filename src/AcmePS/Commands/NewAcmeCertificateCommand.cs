using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Challenges;
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
    public sealed class NewAcmeCertificateCommand : AcmeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DnsNames")]
        [ValidateNotNullOrEmpty]
        public string[] DnsName { get; set; }

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
        [ValidateSet("dns-01", "http-01", IgnoreCase = true)]
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

        protected override void ProcessRecord()
        {
            string target = Name ?? DnsName?.FirstOrDefault();
            try
            {
                var names = Identifiers.NormalizeDnsNames(DnsName);
                if (Name != null) Identifiers.ValidateOrderName(Name);
                KeyType? keyType = KeyType != null ? KeyTypes.Parse(KeyType) : (KeyType?)null;
                AccountOperations.NormalizeContacts(Contact);
                var plugin = PluginCommands.Resolve(this, Plugin);
                plugin.CheckParameters(PluginParameters);
                var session = OpenSession(Server, Account);
                if (!ShouldProcess(string.Join(", ", names), $"Issue a certificate from {session.Server.Name} using the {plugin.Name} plugin")) return;
                session = EnsureAccount(session);

                var order = Run(ct => OrderOperations.NewOrderAsync(session, names, Name, ct));
                var challenges = Run(ct => OrderOperations.GetChallengesAsync(session, order, ChallengeType.ToLowerInvariant(), ct))
                    .Select(AcmeChallenge.From).ToList();
                var pluginErrors = new System.Collections.Generic.List<ErrorRecord>();
                var published = Publish(plugin, challenges, pluginErrors);
                bool incomplete = published.Count < challenges.Count;
                if (incomplete) ChallengeSubmitter.Unpublish(this, published);
                foreach (var error in pluginErrors) WriteError(error);
                if (incomplete)
                {
                    var missing = challenges.Select(c => c.Identifier).Except(published.Select(c => c.Identifier));
                    throw new AcmeException("AcmePluginPublishFailed", AcmeErrorKind.InvalidOperation,
                        $"{plugin.Publish.Name} did not publish the answers for {string.Join(", ", missing)}.") { Target = target };
                }
                var validated = ChallengeSubmitter.Submit(this, session, order, published, TimeSpan.FromSeconds(TimeoutSeconds));
                if (validated == null) return;
                var completed = Run(ct => CertificateOperations.CompleteAsync(session, validated, keyType, null, TimeSpan.FromSeconds(TimeoutSeconds), Progress, ct));
                WriteObject(AcmeCertificate.From(session.Vault, completed));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, target);
            }
        }

        /// <summary>
        /// Publishes through the plugin. When the plugin fails outright (a throw, a binding error), whatever it may
        /// have published before is removed: every challenge is handed to its Unpublish command.
        /// </summary>
        private System.Collections.Generic.IReadOnlyList<AcmeChallenge> Publish(PluginCommands plugin,
            System.Collections.Generic.IReadOnlyList<AcmeChallenge> challenges, System.Collections.Generic.List<ErrorRecord> errors)
        {
            try
            {
                return plugin.PublishAll(this, challenges, PluginParameters, errors);
            }
            catch (Exception ex) when (!(ex is AcmeException) && !(ex is PipelineStoppedException) && !(ex is OperationCanceledException))
            {
                foreach (var c in challenges.Where(c => c.Status != "valid")) c.MarkPublished(plugin.Name, PluginParameters);
                ChallengeSubmitter.Unpublish(this, challenges);
                foreach (var error in errors) WriteError(error);
                // A plugin error under -ErrorAction Stop ends the command as the user asked, once cleaned up.
                if (ex is ActionPreferenceStopException) throw;
                throw new AcmeException("AcmePluginPublishFailed", AcmeErrorKind.InvalidOperation,
                    $"{plugin.Publish.Name} failed: {ex.Message}", ex) { Target = plugin.Name };
            }
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
