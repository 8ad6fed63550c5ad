using System;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Lists the accounts of the default server (or of -Server); with -Refresh, reads each from the CA first.</summary>
    [Cmdlet(VerbsCommon.Get, "AcmeAccount")]
    [OutputType(typeof(AcmeAccount))]
    public sealed class GetAcmeAccountCommand : AcmeCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Id { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        /// <summary>Reads each account's status and contacts from the CA and updates the vault before writing it.</summary>
        [Parameter]
        public SwitchParameter Refresh { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var server = Core.Workflow.AcmeSession.FindServer(Vault, Server);
                var pattern = WildcardPattern.Get(Id ?? "*", WildcardOptions.IgnoreCase);
                var found = Vault.Accounts(server.Id).Where(a => pattern.IsMatch(a.Id)).ToList();
                if (found.Count == 0 && Id != null && !WildcardPattern.ContainsWildcardCharacters(Id))
                    throw new AcmeException("AcmeAccountNotFound", AcmeErrorKind.NotFound, $"There is no account '{Id}' for {server.Name} in the vault.") { Target = Id };
                foreach (var account in found)
                {
                    if (!Refresh)
                    {
                        WriteObject(AcmeAccount.From(account, server.DefaultAccount));
                        continue;
                    }
                    try
                    {
                        var session = OpenSession(server.Id, account.Id);
                        var record = Run(ct => Core.Workflow.AccountOperations.RefreshAsync(session, ct));
                        WriteObject(AcmeAccount.From(record, server.DefaultAccount));
                    }
                    catch (Exception ex) when (IsReportable(ex))
                    {
                        WriteAcmeError(ex, account.Id);
                    }
                }
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Server);
            }
        }
    }
}
