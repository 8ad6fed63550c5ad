using System.Management.Automation;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Says which records (or files) the user may now remove.</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeManualChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeManualChallengeCommand : ManualPlugin
    {
        protected override void EndProcessing()
        {
            if (Pending.Count == 0) return;
            Show("The CA is done with these; you can remove them:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, Describe()));
        }
    }
}
