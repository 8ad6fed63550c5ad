using System;
using System.Management.Automation;
using AcmePS.Core.Plugins;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>Stops answering what Publish-AcmeTlsAlpnChallenge published; the listener closes with its last challenge.</summary>
    [Cmdlet(VerbsData.Unpublish, "AcmeTlsAlpnChallenge")]
    [OutputType(typeof(void))]
    public sealed class UnpublishAcmeTlsAlpnChallengeCommand : AcmePluginCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Address { get; set; } = "*";

        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 443;

        protected override void ProcessRecord()
        {
            foreach (var challenge in Challenge)
            {
                try
                {
                    TlsAlpnResponder.Unpublish(Address, Port, challenge.Identifier, challenge.KeyAuthorization);
                    WriteVerbose($"Stopped answering tls-alpn-01 for {challenge.Identifier} on {Address}:{Port}.");
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge);
                }
            }
        }
    }
}
