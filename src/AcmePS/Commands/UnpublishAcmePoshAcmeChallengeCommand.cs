using System;
using System.Management.Automation;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Removes through a Posh-ACME plugin file what Publish-AcmePoshAcmeChallenge published: Remove-DnsTxt per challenge, then Save-DnsTxt once.</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmePoshAcmeChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmePoshAcmeChallengeCommand : PoshAcmePluginCmdlet
    {
        private bool _removed;

        protected override void ProcessRecord()
        {
            foreach (var challenge in Challenge)
            {
                try
                {
                    var plugin = ResolvedPlugin();
                    plugin.CheckType(challenge);
                    _removed = true;
                    plugin.Remove(this, challenge, PluginArgs);
                    WriteVerbose($"Removed the {challenge.Type} answer for {challenge.Identifier} through {PluginFile}.");
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge.Identifier);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (!_removed) return;
            try
            {
                ResolvedPlugin().Save(this, PluginArgs);
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, PluginFile);
            }
        }
    }
}
