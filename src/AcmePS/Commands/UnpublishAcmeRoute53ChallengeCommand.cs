using System.Management.Automation;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Removes the TXT values that Publish-AcmeRoute53Challenge published (only those values).</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeRoute53Challenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeRoute53ChallengeCommand : Route53Plugin
    {
        protected override bool Publishing => false;
    }
}
