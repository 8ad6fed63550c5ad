using System;
using System.Management.Automation;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Deactivates an account at the CA (RFC 8555 §7.3.6); the CA refuses every later request of the account.</summary>
    [Cmdlet(VerbsLifecycle.Disable, "AcmeAccount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AcmeAccount))]
    public sealed class DisableAcmeAccountCommand : AcmeCmdlet
    {
        /// <summary>The account (id or URL) instead of the server's default.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        /// <summary>The server (name, id or directory URL) instead of the vault's default.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        /// <summary>Deactivate without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var session = OpenSession(Server, Account);
                var account = session.RequireAccount();
                if (!ShouldProcessOrForce(Force, $"{account.Id} ({account.Url})", "Deactivate the account at the CA (this cannot be undone)")) return;
                var record = Run(ct => AccountOperations.DeactivateAsync(session, ct));
                WriteObject(AcmeAccount.From(record, session.Server.DefaultAccount));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Account ?? Server);
            }
        }
    }
}
