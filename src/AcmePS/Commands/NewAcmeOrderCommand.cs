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
    public sealed class NewAcmeOrderCommand : AcmeCmdlet
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

        /// <summary>The certificate's requested start of validity (RFC 8555 newOrder notBefore); most CAs refuse it.</summary>
        [Parameter]
        public DateTime? NotBefore { get; set; }

        /// <summary>The certificate's requested end of validity (newOrder notAfter); renewals ask for the same lifetime.</summary>
        [Parameter]
        public DateTime? NotAfter { get; set; }

        /// <summary>A profile the CA offers (its directory's meta.profiles), such as Let's Encrypt's tlsserver or shortlived.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Profile { get; set; }

        /// <summary>The certificate this order replaces (ARI, RFC 9773): a certificate name in the vault, or its ARI id.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Replaces { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var names = Identifiers.Normalize(DnsName, IPAddress);
                if (Name != null) Identifiers.ValidateOrderName(Name);
                var session = OpenSession(Server, Account);
                session.RequireAccount();
                if (!ShouldProcess(string.Join(", ", names.All), $"Create an order at {session.Server.Name}")) return;
                var options = OrderOptionsBuilder.Build(session, NotBefore, NotAfter, Profile, Replaces);
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
