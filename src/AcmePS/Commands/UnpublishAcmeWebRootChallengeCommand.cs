using System;
using System.Management.Automation;
using AcmePS.Core.Plugins.Http01;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Removes the files Publish-AcmeWebRootChallenge wrote, and the folders it created if they are empty.</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeWebRootChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeWebRootChallengeCommand : AcmePluginCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        protected override void ProcessRecord()
        {
            string root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            foreach (var challenge in Challenge)
            {
                try
                {
                    WebRootPublisher.Unpublish(root, challenge.Token, challenge.Identifier);
                    WriteVerbose($"Removed the http-01 answer for {challenge.Identifier} from {root}.");
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge.Identifier);
                }
            }
        }
    }
}
