using System;
using System.IO;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Crypto;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Finalizes a ready order (new key and CSR, or your own CSR), downloads the chains and stores the certificate.</summary>
    [Cmdlet(VerbsLifecycle.Complete, "AcmeOrder", DefaultParameterSetName = ByObject, SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeCertificate))]
    public sealed class CompleteAcmeOrderCommand : AcmeCmdlet
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

        /// <summary>The certificate key type; default: the order's previous one, else ec256.</summary>
        [Parameter]
        [ValidateSet("ec256", "ec384", "rsa2048", "rsa3072", "rsa4096", IgnoreCase = true)]
        public string KeyType { get; set; }

        /// <summary>Your own PKCS#10 request (PEM) instead of a key made by AcmePS; its names must be the order's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string CsrPath { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSeconds { get; set; } = 300;

        /// <summary>The issuer common name whose chain becomes the default when the CA offers several.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string PreferredChain { get; set; }

        /// <summary>Keep the current certificate's key for the new one (and for later certificates of this name).</summary>
        [Parameter]
        public SwitchParameter ReuseKey { get; set; }

        protected override void ProcessRecord()
        {
            string target = Order?.Name ?? Name;
            try
            {
                if (CsrPath != null && ReuseKey)
                    throw new AcmeException("AcmeReuseKeyConflict", AcmeErrorKind.InvalidArgument,
                        "-ReuseKey keeps the key in the vault, and -CsrPath brings a key of your own: give one or the other.") { Target = target };
                string csr = CsrPath != null ? ReadUserFile(CsrPath, "AcmeCsrNotFound", "CSR file") : null;
                KeyType? type = KeyType != null ? KeyTypes.Parse(KeyType) : (KeyType?)null;
                var session = Order != null ? OpenSession(Order.Server, Order.AccountId) : OpenSession(Server, Account);
                var order = OrderOperations.Find(session, target);
                if (!ShouldProcess(order.Name, "Finalize the order and download the certificate")) return;
                OrderRecord completed;
                using (session.Vault.LockOrder(session.Server.Id, order.AccountId, order.Name, TimeSpan.FromSeconds(TimeoutSeconds), CancellationToken))
                {
                    order = OrderOperations.Find(session, order.Name);   // as it is now that no one else works on it
                    if (MyInvocation.BoundParameters.ContainsKey(nameof(ReuseKey))) order.ReuseKey = ReuseKey.IsPresent;
                    completed = Run(ct => CertificateOperations.CompleteAsync(session, order, type, csr, TimeSpan.FromSeconds(TimeoutSeconds), Progress, ct, PreferredChain));
                }
                WarnIfNotPreferred(completed);
                WriteObject(AcmeCertificate.From(session.Vault, completed));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, target);
            }
        }
    }
}
