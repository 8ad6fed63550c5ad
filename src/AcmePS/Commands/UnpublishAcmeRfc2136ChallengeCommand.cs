using System;
using System.Management.Automation;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Removes exactly the TXT values Publish-AcmeRfc2136Challenge added (other values at the name stay).</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeRfc2136Challenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeRfc2136ChallengeCommand : Rfc2136PluginCmdlet
    {
        protected override void ProcessRecord()
        {
            Core.Plugins.Rfc2136Client client = null;
            foreach (var challenge in Challenge)
            {
                if (challenge.Status == "valid" || challenge.Type != "dns-01") continue;
                try
                {
                    client = client ?? NewClient();
                    string removed = Run(ct => client.DeleteTxtAsync(challenge.RecordName, challenge.RecordValue, ct));
                    WriteVerbose($"Removed the TXT value for {challenge.Identifier} at {removed} on {client.Server}.");
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge.Identifier);
                }
            }
        }
    }
}
