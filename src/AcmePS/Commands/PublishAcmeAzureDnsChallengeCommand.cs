using System.Management.Automation;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Publishes dns-01 answers as TXT records through the AzureDns plugin.</summary>
    [Cmdlet(VerbsData.Publish, "AcmeAzureDnsChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmeAzureDnsChallengeCommand : AzureDnsPlugin
    {
        protected override bool Publishing => true;
    }
}
