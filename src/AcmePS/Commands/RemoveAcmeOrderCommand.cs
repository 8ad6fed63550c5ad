using System;
using System.Management.Automation;
using AcmePS.Completers;
using AcmePS.Core.Workflow;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Removes an order from the vault, with its certificate, key and recorded plugin settings. Nothing is sent to the CA.</summary>
    [Cmdlet(VerbsCommon.Remove, "AcmeOrder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveAcmeOrderCommand : AcmeCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(OrderNameCompleter))]
        public string Name { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AccountId")]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var session = OpenSession(Server, Account);
                var order = OrderOperations.Find(session, Name);
                string what = order.Certificate != null ? "Remove the order, its certificate and the certificate's private key from the vault" : "Remove the order from the vault";
                if (!ShouldProcessOrForce(Force, order.Name, what)) return;
                VaultOperations.RemoveOrder(session, order);
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name);
            }
        }
    }
}
