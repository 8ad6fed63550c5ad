using System.Management.Automation;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Publishes dns-01 answers as TXT records through the Cloudflare plugin.</summary>
    [Cmdlet(VerbsData.Publish, "AcmeCloudflareChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmeCloudflareChallengeCommand : CloudflarePlugin
    {
        protected override bool Publishing => true;
    }
}
