using System;
using System.Management.Automation;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Lists the accounts of the default server (or of -Server).</summary>
    [Cmdlet(VerbsCommon.Get, "AcmeAccount")]
    [OutputType(typeof(AcmeAccount))]
    public sealed class GetAcmeAccountCommand : AcmeCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string Id { get; set; }

        [Parameter]
        public string Server { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var server = Core.Workflow.AcmeSession.FindServer(Vault, Server);
                var pattern = WildcardPattern.Get(Id ?? "*", WildcardOptions.IgnoreCase);
                foreach (var account in Vault.Accounts(server.Id))
                    if (pattern.IsMatch(account.Id)) WriteObject(AcmeAccount.From(account, server.DefaultAccount));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Server);
            }
        }
    }
}
