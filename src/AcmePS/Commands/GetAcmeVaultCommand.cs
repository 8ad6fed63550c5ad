using System;
using System.Management.Automation;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Shows a vault: where it is, its schema, its protection, and how many secret files are not encrypted.</summary>
    [Cmdlet(VerbsCommon.Get, "AcmeVault")]
    [OutputType(typeof(AcmeVaultInfo))]
    public sealed class GetAcmeVaultCommand : AcmeCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                WriteObject(VaultCommands.Info(VaultCommands.Open(this, Path)));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Path);
            }
        }
    }
}
