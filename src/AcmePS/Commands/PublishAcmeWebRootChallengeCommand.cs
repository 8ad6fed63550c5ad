using System;
using System.Collections;
using System.Management.Automation;
using AcmePS.Core.Plugins.Http01;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Answers http-01 challenges with files under the folder a web server serves for the site.</summary>
    [Cmdlet(VerbsData.Publish, "AcmeWebRootChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmeWebRootChallengeCommand : AcmePluginCmdlet
    {
        /// <summary>The web root: the folder whose .well-known/acme-challenge/ the web server serves at /.well-known/acme-challenge/.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        protected override void ProcessRecord()
        {
            // Resolved once, so that Unpublish finds the same folder whatever the current location is by then.
            string root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            foreach (var challenge in Challenge)
            {
                if (challenge.Status == "valid")
                {
                    WriteObject(challenge);
                    continue;
                }
                try
                {
                    Http01Plugin.CheckType(challenge, "WebRoot");
                    string file = WebRootPublisher.Publish(root, challenge.Token, challenge.HttpContent, challenge.Identifier);
                    WriteVerbose($"Wrote the http-01 answer for {challenge.Identifier} to {file}.");
                    WriteObject(challenge.MarkPublished("WebRoot", new Hashtable(StringComparer.OrdinalIgnoreCase) { ["Path"] = root }));
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge.Identifier);
                }
            }
        }
    }
}
