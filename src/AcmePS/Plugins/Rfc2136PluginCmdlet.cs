using System.Management.Automation;
using System.Security;
using AcmePS.Internal;
using AcmePS.Core.Plugins;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>The parameters both Rfc2136 commands take (-PluginParameters is splatted into both).</summary>
    public abstract class Rfc2136PluginCmdlet : AcmePluginCmdlet
    {
        /// <summary>The primary DNS server of the zone: a host name or address, optionally with :port.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Server { get; set; }

        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; } = 53;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string KeyName { get; set; }

        [Parameter]
        [ValidateSet("hmac-sha256", "hmac-sha512", IgnoreCase = true)]
        public string KeyAlgorithm { get; set; } = "hmac-sha256";

        /// <summary>The TSIG secret (base64, as in the key file), as a SecureString or a string.</summary>
        [Parameter(Mandatory = true)]
        [SecretTransformation]
        public SecureString KeySecret { get; set; }

        /// <summary>The zone to update; found from the server's SOA answer when not given.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Zone { get; set; }

        /// <summary>The TTL of the TXT records added.</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int Ttl { get; set; } = 60;

        protected Rfc2136Client NewClient() =>
            new Rfc2136Client(Server, Port, KeyName, KeyAlgorithm, SecureText.Plain(KeySecret), Zone);

        protected static void CheckDns01(AcmeChallenge challenge)
        {
            if (challenge.Type != "dns-01")
                throw new Core.AcmeException("AcmePluginChallengeTypeUnsupported", Core.AcmeErrorKind.InvalidArgument,
                    $"The Rfc2136 plugin publishes dns-01 answers, not {challenge.Type}.") { Target = challenge.Identifier };
        }
    }
}
