using System.Management.Automation;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Publishes dns-01 answers as TXT records through the AcmeDns plugin.</summary>
    [Cmdlet(VerbsData.Publish, "AcmeAcmeDnsChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmeAcmeDnsChallengeCommand : AcmeDnsPlugin
    {
        protected override bool Publishing => true;
    }
}
