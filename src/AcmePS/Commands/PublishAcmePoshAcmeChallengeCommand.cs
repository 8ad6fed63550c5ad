using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>
    /// Publishes challenges through a Posh-ACME plugin file: Add-DnsTxt (or Add-HttpChallenge) per challenge, then
    /// Save-DnsTxt once; the challenges are written out once that has succeeded.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "AcmePoshAcmeChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmePoshAcmeChallengeCommand : PoshAcmePluginCmdlet
    {
        private readonly List<AcmeChallenge> _added = new List<AcmeChallenge>();

        protected override void ProcessRecord()
        {
            foreach (var challenge in Challenge)
            {
                if (challenge.Status == "valid")
                {
                    WriteObject(challenge);
                    continue;
                }
                try
                {
                    var plugin = ResolvedPlugin();
                    plugin.CheckType(challenge);
                    plugin.Add(this, challenge, PluginArgs);
                    WriteVerbose($"Added the {challenge.Type} answer for {challenge.Identifier} through {PluginFile}.");
                    _added.Add(challenge);
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge.Identifier);
                }
            }
        }

        /// <summary>Save once; a failed save removes what was added (and saves that), and publishes nothing.</summary>
        protected override void EndProcessing()
        {
            if (_added.Count == 0) return;
            var plugin = ResolvedPlugin();
            try
            {
                plugin.Save(this, PluginArgs);
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                foreach (var challenge in _added)
                {
                    try { plugin.Remove(this, challenge, PluginArgs); }
                    catch (Exception cleanup) when (IsReportable(cleanup)) { /* best effort: the save error is what is reported */ }
                }
                try { plugin.Save(this, PluginArgs); }
                catch (Exception cleanup) when (IsReportable(cleanup)) { }
                foreach (var challenge in _added) WriteAcmeError(ex, challenge.Identifier);
                return;
            }
            var recorded = new Hashtable(StringComparer.OrdinalIgnoreCase) { ["PluginPath"] = PluginFile };
            if (PluginArgs != null) recorded["PluginArgs"] = PluginArgs;
            foreach (var challenge in _added) WriteObject(challenge.MarkPublished("PoshAcme", recorded));
        }
    }
}
