using System;
using System.Management.Automation;
using AcmePS.Completers;
using AcmePS.Core.Workflow;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>
    /// Removes an account from the vault: its key, its record and every order under it. -Deactivate first deactivates
    /// it at the CA; without it the account stays active at the CA.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "AcmeAccount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AcmeAccount))]
    public sealed class RemoveAcmeAccountCommand : AcmeCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        /// <summary>Deactivates the account at the CA before removing it.</summary>
        [Parameter]
        public SwitchParameter Deactivate { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var session = OpenSession(Server, Account);
                var account = session.RequireAccount();
                string what = (Deactivate ? "Deactivate the account at the CA (this cannot be undone), then remove" : "Remove")
                    + " the account, its key and its orders with their certificates and keys from the vault";
                if (!ShouldProcessOrForce(Force, $"{account.Id} ({account.Url})", what)) return;
                var removed = Run(ct => VaultOperations.RemoveAccountAsync(session, Deactivate, ct));
                WriteObject(AcmeAccount.From(removed, null));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Account ?? Server);
            }
        }
    }
}
