using System;
using System.Management.Automation;
using AcmePS.Core.Plugins;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Publishes dns-01 and http-01 answers to pebble-challtestsrv (Pebble's test DNS and HTTP server).</summary>
    [Cmdlet(VerbsData.Publish, "AcmeChallTestSrvChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    [AcmeChallengeType("dns-01", "http-01")]
    public sealed class PublishAcmeChallTestSrvChallengeCommand : AcmePluginCmdlet
    {
        /// <summary>challtestsrv's management URL, for example http://127.0.0.1:8055.</summary>
        [Parameter(Mandatory = true)]
        public Uri ManagementUrl { get; set; }

        /// <summary>challtestsrv's DNS server (host:port), which the propagation check then asks; without it, dns-01 answers are not checked.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DnsServer { get; set; }

        protected override void ProcessRecord()
        {
            var client = new ChallTestSrvClient(ManagementUrl);
            foreach (var challenge in Challenge)
            {
                if (challenge.Status == "valid")
                {
                    WriteObject(challenge); // already validated: nothing to publish
                    continue;
                }
                try
                {
                    Run(ct => client.PublishAsync(challenge.ToPending(), ct));
                    WriteVerbose($"Published the {challenge.Type} answer for {challenge.Identifier}.");
                    if (DnsServer != null && challenge.Type == "dns-01") challenge.DnsServers = new[] { DnsServer };
                    WriteObject(challenge.MarkPublished(this));
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge);
                }
            }
        }
    }
}
