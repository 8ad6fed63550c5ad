using System.Management.Automation;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Removes the TXT values that Publish-AcmeAcmeDnsChallenge published (only those values).</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeAcmeDnsChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeAcmeDnsChallengeCommand : AcmeDnsPlugin
    {
        protected override bool Publishing => false;
    }
}
