using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Dns.Providers.AcmeDns
{
    /// <summary>
    /// The acme-dns plugin's check that _acme-challenge.&lt;name&gt; points at its registration: one CNAME question
    /// through the DNS library (<see cref="DnsLookup.CnameAsync"/>).
    /// </summary>
    public static class CnameLookup
    {
        /// <summary>The target, "" when the server answered without a CNAME, or null when no server answered.</summary>
        public static Task<string> QueryAsync(string name, IPEndPoint server, CancellationToken ct) => DnsLookup.CnameAsync(server, name, ct);

        /// <summary>-DnsServer: an IP address with an optional port (AcmeDnsServerInvalid otherwise); null for none.</summary>
        public static IPEndPoint ParseServer(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var server = DnsServerAddress.Parse(text);
            if (!IPAddress.TryParse(server.Host, out var address))
                throw new AcmeException("AcmeDnsServerInvalid", AcmeErrorKind.InvalidArgument,
                    $"'{text.Trim()}' is not a DNS server address (an IP address, optionally with :port).") { Target = text };
            return new IPEndPoint(address, server.Port);
        }
    }
}
