using System;
using System.Management.Automation;
using AcmePS.Core.Challenges;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Asks the CA for a certificate order and stores it in the vault.</summary>
    [Cmdlet(VerbsCommon.New, "AcmeOrder", SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeOrder))]
    public sealed class NewAcmeOrderCommand : AcmeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DnsNames")]
        [ValidateNotNullOrEmpty]
        public string[] DnsName { get; set; }

        /// <summary>The order's name in the vault; default: the first DNS name ('*' written as '!').</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var names = Identifiers.NormalizeDnsNames(DnsName);
                if (Name != null) Identifiers.ValidateOrderName(Name);
                var session = OpenSession(Server, Account);
                session.RequireAccount();
                if (!ShouldProcess(string.Join(", ", names), $"Create an order at {session.Server.Name}")) return;
                var order = Run(ct => OrderOperations.NewOrderAsync(session, names, Name, ct));
                WriteObject(AcmeOrder.From(order));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name ?? (DnsName != null ? string.Join(",", DnsName) : null));
            }
        }
    }
}
