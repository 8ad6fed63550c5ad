using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Shows the records to create and waits for Enter; fails at once where nobody can press it.</summary>
    [Cmdlet(VerbsData.Publish, "AcmeManualChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmeManualChallengeCommand : ManualPlugin
    {
        protected override void EndProcessing()
        {
            if (Pending.Count == 0) return;
            string reason = NonInteractiveReason();
            if (reason == null)
            {
                Show("Create these records (or files), then press Enter:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, Describe()));
                try
                {
                    Host.UI.ReadLine();
                }
                catch (PSInvalidOperationException)
                {
                    reason = "the host cannot read input (NonInteractive mode)";
                }
            }
            if (reason != null)
            {
                foreach (var challenge in Pending)
                    WriteAcmeError(new AcmeException("AcmePluginNotInteractive", AcmeErrorKind.InvalidOperation,
                        $"The Manual plugin needs someone to create the records and press Enter, but {reason}. Use a DNS-provider plugin "
                        + "(AzureDns, Cloudflare, Route53, AcmeDns...) for unattended runs.") { Target = challenge.Identifier }, challenge);
                return;
            }
            foreach (var challenge in Pending) WriteObject(challenge.MarkPublished(this));
        }
    }
}
