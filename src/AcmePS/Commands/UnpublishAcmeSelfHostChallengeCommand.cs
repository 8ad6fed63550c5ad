using System;
using System.Management.Automation;
using AcmePS.Core.Plugins.Http01;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Stops serving what Publish-AcmeSelfHostChallenge served; the listener stops with its last token.</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeSelfHostChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeSelfHostChallengeCommand : AcmePluginCmdlet
    {
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 80;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Address { get; set; } = "*";

        protected override void ProcessRecord()
        {
            foreach (var challenge in Challenge)
            {
                try
                {
                    SelfHostResponder.Unpublish(Address, Port, challenge.Token);
                    WriteVerbose($"No longer serving the http-01 answer for {challenge.Identifier} on {Address}:{Port}.");
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge.Identifier);
                }
            }
        }
    }
}
