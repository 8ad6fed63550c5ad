using System;
using System.Management.Automation;
using AcmePS.Core.Plugins.Http01;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Answers http-01 challenges from a listener of its own, in this process, on an address and port.</summary>
    [Cmdlet(VerbsData.Publish, "AcmeSelfHostChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmeSelfHostChallengeCommand : AcmePluginCmdlet
    {
        /// <summary>The TCP port to listen on: 80, where the CA connects, unless a proxy or port forward is in between.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 80;

        /// <summary>The IP address to listen on: * (every address, IPv6 and IPv4), 0.0.0.0 (every IPv4 address) or one address.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Address { get; set; } = "*";

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
                    Http01Plugin.CheckType(challenge, "SelfHost");
                    SelfHostResponder.Publish(Address, Port, challenge.Token, challenge.HttpContent, challenge.Identifier);
                    WriteVerbose($"Serving the http-01 answer for {challenge.Identifier} on {Address}:{Port}{challenge.HttpPath}.");
                    WriteObject(challenge.MarkPublished(this));
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge.Identifier);
                }
            }
        }
    }
}
