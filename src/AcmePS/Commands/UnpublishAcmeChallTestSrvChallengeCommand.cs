using System;
using System.Management.Automation;
using AcmePS.Core.Plugins;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Removes what Publish-AcmeChallTestSrvChallenge published.</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeChallTestSrvChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeChallTestSrvChallengeCommand : AcmePluginCmdlet
    {
        [Parameter(Mandatory = true)]
        public Uri ManagementUrl { get; set; }

        /// <summary>Accepted so that -PluginParameters fits both commands; Unpublish does not use it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string DnsServer { get; set; }

        protected override void ProcessRecord()
        {
            var client = new ChallTestSrvClient(ManagementUrl);
            foreach (var challenge in Challenge)
            {
                try
                {
                    Run(ct => client.UnpublishAsync(challenge.ToPending(), ct));
                    WriteVerbose($"Removed the {challenge.Type} answer for {challenge.Identifier}.");
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge);
                }
            }
        }
    }
}
