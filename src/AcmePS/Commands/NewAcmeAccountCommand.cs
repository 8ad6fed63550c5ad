using System;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Crypto;
using AcmePS.Core.Jws;
using AcmePS.Core.Workflow;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Creates an account at the default server; it becomes that server's default account.</summary>
    [Cmdlet(VerbsCommon.New, "AcmeAccount", SupportsShouldProcess = true)]
    [OutputType(typeof(AcmeAccount))]
    public sealed class NewAcmeAccountCommand : AcmeCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNull]
        public string[] Contact { get; set; }

        [Parameter]
        public SwitchParameter AcceptTermsOfService { get; set; }

        [Parameter]
        [ValidateSet("ec256", "ec384", "rsa2048", "rsa3072", "rsa4096", IgnoreCase = true)]
        public string KeyType { get; set; } = "ec256";

        /// <summary>The server (name or id) instead of the vault's default.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Server { get; set; }

        /// <summary>External Account Binding: the key id the CA gave.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EabKeyId { get; set; }

        /// <summary>External Account Binding: the HMAC key the CA gave (base64url). Never written anywhere.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string EabHmacKey { get; set; }

        [Parameter]
        [ValidateSet("HS256", "HS384", "HS512", IgnoreCase = true)]
        public string EabAlgorithm { get; set; } = "HS256";

        protected override void ProcessRecord()
        {
            try
            {
                ExternalAccountBinding eab = null;
                if (EabKeyId != null || EabHmacKey != null)
                {
                    if (EabKeyId == null || EabHmacKey == null)
                        throw new AcmeException("AcmeEabParameterMissing", AcmeErrorKind.InvalidArgument,
                            "External Account Binding needs both -EabKeyId and -EabHmacKey.");
                    eab = ExternalAccountBinding.Create(EabKeyId, EabHmacKey, EabAlgorithm);
                }
                var contacts = AccountOperations.NormalizeContacts(Contact);
                var session = OpenSession(Server);
                if (!ShouldProcess(session.Server.Name, $"Create an ACME account ({string.Join(", ", contacts)})")) return;
                var type = KeyTypes.Parse(KeyType);
                var record = Run(ct => AccountOperations.NewAccountAsync(session, Contact, AcceptTermsOfService, type, ct, eab));
                WriteObject(AcmeAccount.From(record, record.Id));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Server);
            }
        }
    }
}
