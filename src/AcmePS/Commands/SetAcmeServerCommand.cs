using System;
using System.IO;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Adds a CA to the vault (after checking that it answers as one) and makes it the default server.</summary>
    [Cmdlet(VerbsCommon.Set, "AcmeServer", SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeServer))]
    public sealed class SetAcmeServerCommand : AcmeCmdlet
    {
        /// <summary>
        /// A known name (LetsEncrypt, LetsEncryptStaging, ZeroSSL, …) or a directory URL. A server piped from
        /// Get-AcmeServer binds as its URL (its trusted root is kept).
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Url")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string DirectoryUrl { get; set; }

        /// <summary>A PEM file with a root to trust for this server's TLS certificate (test CAs such as Pebble).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string TrustedRoot { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                string pem = TrustedRoot != null ? ReadUserFile(TrustedRoot, "AcmeTrustedRootNotFound", "trusted root file") : null;
                Uri url = KnownServers.Resolve(DirectoryUrl, out string name);
                if (!ShouldProcess($"{name} ({url})", "Set as the default ACME server")) return;
                var record = Run(ct => ServerOperations.SetServerAsync(Vault, DirectoryUrl, pem, ct));
                WriteVerbose($"{record.Name} ({record.DirectoryUrl}) is the vault's default server.");
                if (PassThru) WriteObject(AcmeServer.From(record, record.Id));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, DirectoryUrl);
            }
        }
    }
}
