using System;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Lists the orders of the default account; -Refresh reads each from the CA first.</summary>
    [Cmdlet(VerbsCommon.Get, "AcmeOrder")]
    [OutputType(typeof(AcmeOrder))]
    public sealed class GetAcmeOrderCommand : AcmeCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(OrderNameCompleter))]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Refresh { get; set; }

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
                var session = OpenSession(Server, Account);
                var orders = Name != null && !WildcardPattern.ContainsWildcardCharacters(Name)
                    ? new[] { OrderOperations.Find(session, Name) }
                    : OrderOperations.List(session).Where(o => WildcardPattern.Get(Name ?? "*", WildcardOptions.IgnoreCase).IsMatch(o.Name)).ToArray();
                foreach (var order in orders)
                {
                    try
                    {
                        var current = Refresh ? Run(ct => OrderOperations.RefreshAsync(session, order, ct)) : order;
                        WriteObject(AcmeOrder.From(current));
                    }
                    catch (Exception ex) when (IsReportable(ex))
                    {
                        WriteAcmeError(ex, order.Name);
                    }
                }
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name);
            }
        }
    }
}
