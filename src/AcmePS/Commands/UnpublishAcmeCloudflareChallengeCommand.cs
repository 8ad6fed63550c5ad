using System.Management.Automation;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Removes the TXT values that Publish-AcmeCloudflareChallenge published (only those values).</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeCloudflareChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeCloudflareChallengeCommand : CloudflarePlugin
    {
        protected override bool Publishing => false;
    }
}
