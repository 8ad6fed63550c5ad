using System;
using System.Management.Automation;
using AcmePS.Core.Crypto;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Changes an account at the CA and in the vault: its contacts, or its key (rollover).</summary>
    [Cmdlet(VerbsCommon.Set, "AcmeAccount", DefaultParameterSetName = ContactSet, SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeAccount))]
    public sealed class SetAcmeAccountCommand : AcmeCmdlet
    {
        private const string ContactSet = "Contact";
        private const string RolloverSet = "RolloverKey";

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

        /// <summary>The new contacts; they replace the old ones (an empty list removes them all).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ContactSet)]
        [AllowEmptyCollection]
        [ValidateNotNull]
        public string[] Contact { get; set; }

        /// <summary>Replaces the account key with a new one (RFC 8555 §7.3.5).</summary>
        [Parameter(Mandatory = true, ParameterSetName = RolloverSet)]
        public SwitchParameter RolloverKey { get; set; }

        [Parameter(ParameterSetName = RolloverSet)]
        [ValidateSet("ec256", "ec384", "rsa2048", "rsa3072", "rsa4096", IgnoreCase = true)]
        public string KeyType { get; set; } = "ec256";

        protected override void ProcessRecord()
        {
            try
            {
                var session = OpenSession(Server, Account);
                var account = session.RequireAccount();
                if (ParameterSetName == RolloverSet)
                {
                    var type = KeyTypes.Parse(KeyType);
                    if (!ShouldProcess(account.Id, $"Replace the account key with a new {type.ToName()} key")) return;
                    var record = Run(ct => AccountOperations.RolloverKeyAsync(session, type, ct));
                    WriteObject(AcmeAccount.From(record, session.Server.DefaultAccount));
                }
                else
                {
                    var contacts = AccountOperations.NormalizeContacts(Contact);
                    string list = contacts.Count == 0 ? "no contacts" : string.Join(", ", contacts);
                    if (!ShouldProcess(account.Id, $"Set the contacts to {list}")) return;
                    var record = Run(ct => AccountOperations.SetContactAsync(session, Contact, ct));
                    WriteObject(AcmeAccount.From(record, session.Server.DefaultAccount));
                }
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Account ?? Server);
            }
        }
    }
}
