using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core.Workflow;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>
    /// Tells the CA that the published challenges are ready, waits until every authorization of each order is
    /// decided, removes the published answers through their plugins, and writes each order once.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Submit, "AcmeChallenge", SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeOrder))]
    public sealed class SubmitAcmeChallengeCommand : AcmeCmdlet
    {
        private readonly List<AcmeChallenge> _challenges = new List<AcmeChallenge>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public AcmeChallenge[] Challenge { get; set; }

        /// <summary>How long to wait for the CA to decide, per order.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 300;

        /// <summary>The DNS servers (host or host:port) the propagation check asks, instead of the plugin's or the zone's own.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] DnsServer { get; set; }

        /// <summary>Submit dns-01 challenges without waiting for the DNS servers to serve the records.</summary>
        [Parameter]
        public SwitchParameter SkipPropagationCheck { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                Core.Dns.DnsServerAddress.Validate(DnsServer);
            }
            catch (Core.AcmeException ex)
            {
                ThrowAcmeError(ex);
            }
        }

        protected override void ProcessRecord() => _challenges.AddRange(Challenge.Where(c => c != null));

        protected override void EndProcessing()
        {
            var orders = _challenges.GroupBy(c => (c.Server, c.AccountId, c.OrderName)).ToList();
            foreach (var group in orders)
            {
                var challenges = group.ToList();
                string name = group.Key.OrderName;
                try
                {
                    if (!ShouldProcess(name, $"Submit {challenges.Count} challenge(s) for validation"))
                    {
                        ChallengeSubmitter.Unpublish(this, challenges);
                        continue;
                    }
                    var session = OpenSession(group.Key.Server, group.Key.AccountId);
                    var order = OrderOperations.Find(session, name);
                    var result = ChallengeSubmitter.Submit(this, session, order, challenges, TimeSpan.FromSeconds(TimeoutSeconds),
                        DnsServer, SkipPropagationCheck);
                    if (result != null) WriteObject(AcmeOrder.From(result));
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    ChallengeSubmitter.Unpublish(this, challenges);
                    WriteAcmeError(ex, name);
                }
            }
        }
    }
}
