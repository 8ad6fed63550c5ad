using System.Management.Automation;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Publishes dns-01 answers as TXT records through the Route53 plugin.</summary>
    [Cmdlet(VerbsData.Publish, "AcmeRoute53Challenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmeRoute53ChallengeCommand : Route53Plugin
    {
        protected override bool Publishing => true;
    }
}
