using System;
using System.Management.Automation;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>
    /// When the vault's certificates should be renewed: the CA's suggested window (ARI, RFC 9773) and the renewal time
    /// chosen in it, or without ARI two thirds of the lifetime (half under 10 days).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AcmeRenewalInfo")]
    [OutputType(typeof(AcmeRenewalInfo))]
    public sealed class GetAcmeRenewalInfoCommand : AcmeCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(CertificateNameCompleter))]
        public string Name { get; set; }

        /// <summary>The server instead of the vault's default; a piped certificate brings its own.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        /// <summary>The account instead of the server's default; a piped certificate brings its own (AccountId).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AccountId")]
        [ArgumentCompleter(typeof(AccountCompleter))]
        public string Account { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var session = OpenSession(Server, Account);
                foreach (var order in CertificateSelection.Find(session, Name))
                {
                    try
                    {
                        var status = Run(ct => RenewalOperations.GetStatusAsync(session, order, ct));
                        WriteObject(AcmeRenewalInfo.From(order, status));
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
