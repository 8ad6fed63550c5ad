using System.Management.Automation;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Removes the TXT values that Publish-AcmeAzureDnsChallenge published (only those values).</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeAzureDnsChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeAzureDnsChallengeCommand : AzureDnsPlugin
    {
        protected override bool Publishing => false;
    }
}
