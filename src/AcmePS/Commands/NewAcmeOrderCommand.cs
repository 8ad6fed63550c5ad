using System;
using System.Linq;
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
    public sealed class NewAcmeOrderCommand : OrderingCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DnsNames")]
        [AllowEmptyCollection] // a piped IP-only certificate has no DNS names: the check is that some identifier is given
        public string[] DnsName { get; set; }

        /// <summary>IP addresses for the certificate (RFC 8738): http-01 validates them; the CSR has them as SANs and no CN.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("IPAddresses")]
        [AllowEmptyCollection]
        public string[] IPAddress { get; set; }

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
                var names = Identifiers.Normalize(DnsName, IPAddress);
                if (Name != null) Identifiers.ValidateOrderName(Name);
                var session = OpenSession(Server, Account);
                session.RequireAccount();
                if (!ShouldProcess(string.Join(", ", names.All), $"Create an order at {session.Server.Name}")) return;
                var options = OrderOptions(session);
                var order = Run(ct => OrderOperations.NewOrderAsync(session, names, Name, options, ct));
                WriteObject(AcmeOrder.From(order));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name ?? string.Join(",", (DnsName ?? new string[0]).Concat(IPAddress ?? new string[0])));
            }
        }
    }
}
