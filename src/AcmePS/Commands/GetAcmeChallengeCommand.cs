using System;
using System.Management.Automation;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Writes one challenge object per pending authorization of an order, with the answer to publish.</summary>
    [Cmdlet(VerbsCommon.Get, "AcmeChallenge", DefaultParameterSetName = ByObject)]
    [OutputType(typeof(AcmeChallenge))]
    public sealed class GetAcmeChallengeCommand : AcmeCmdlet
    {
        private const string ByObject = "ByObject";
        private const string ByName = "ByName";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByObject)]
        public AcmeOrder Order { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(OrderNameCompleter))]
        public string Name { get; set; }

        /// <summary>With -Name: the server (name, id or directory URL) instead of the vault's default.</summary>
        [Parameter(ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        /// <summary>With -Name: the account (id or URL) instead of the server's default.</summary>
        [Parameter(ParameterSetName = ByName)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        [Parameter]
        [ValidateSet("dns-01", "http-01", "tls-alpn-01", "dns-account-01", "dns-persist-01", IgnoreCase = true)]
        public string Type { get; set; } = "dns-01";

        protected override void ProcessRecord()
        {
            try
            {
                var session = Order != null ? OpenSession(Order.Server, Order.AccountId) : OpenSession(Server, Account);
                var order = OrderOperations.Find(session, Order?.Name ?? Name);
                var challenges = Run(ct => OrderOperations.GetChallengesAsync(session, order, Type.ToLowerInvariant(), ct));
                if (challenges.Count == 0) WriteVerbose($"The order '{order.Name}' has no pending authorization: nothing to publish.");
                foreach (var challenge in challenges) WriteObject(AcmeChallenge.From(challenge));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Order?.Name ?? Name);
            }
        }
    }
}
