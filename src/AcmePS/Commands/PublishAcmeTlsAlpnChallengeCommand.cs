using System;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Challenges;
using AcmePS.Core.Plugins;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>
    /// Answers tls-alpn-01 challenges from this PowerShell process: a TLS listener on -Address:-Port that serves, for
    /// ALPN acme-tls/1 only, each name's RFC 8737 certificate until Unpublish-AcmeTlsAlpnChallenge.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "AcmeTlsAlpnChallenge")]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class PublishAcmeTlsAlpnChallengeCommand : AcmePluginCmdlet
    {
        /// <summary>The local address to listen on: * or :: (every address, IPv6 and IPv4; the default), 0.0.0.0 (every IPv4 address) or one address.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Address { get; set; } = "*";

        /// <summary>The TCP port the CA connects to: 443, unless something forwards another port to this one.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 443;

        protected override void ProcessRecord()
        {
            foreach (var challenge in Challenge)
            {
                if (challenge.Status == "valid")
                {
                    WriteObject(challenge); // already validated: nothing to publish
                    continue;
                }
                try
                {
                    if (!string.Equals(challenge.Type, ChallengeAnswers.TlsAlpn01, StringComparison.OrdinalIgnoreCase))
                        throw new AcmeException("AcmePluginChallengeTypeUnsupported", AcmeErrorKind.InvalidArgument,
                            $"The TlsAlpn plugin answers tls-alpn-01 challenges, not {challenge.Type}.") { Target = challenge.Identifier };
                    TlsAlpnResponder.Publish(Address, Port, challenge.Identifier, challenge.KeyAuthorization);
                    WriteVerbose($"Answering tls-alpn-01 for {challenge.Identifier} on {Address}:{Port}.");
                    WriteObject(challenge.MarkPublished(this));
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge);
                }
            }
        }
    }
}
