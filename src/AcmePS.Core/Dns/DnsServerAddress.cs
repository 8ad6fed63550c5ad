using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace AcmePS.Core.Dns
{
    /// <summary>A DNS server as users write it: "host", "host:port", "1.2.3.4:5353", "[::1]:53" or "::1".</summary>
    public sealed class DnsServerAddress
    {
        private DnsServerAddress(string host, int port)
        {
            Host = host;
            Port = port;
        }

        public string Host { get; }

        public int Port { get; }

        public override string ToString() => Host.Contains(":") ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

        public static DnsServerAddress Parse(string text, int defaultPort = 53)
        {
            string s = (text ?? "").Trim();
            string host = s;
            string port = null;
            if (s.StartsWith("[", StringComparison.Ordinal))
            {
                int close = s.IndexOf(']');
                if (close > 0)
                {
                    host = s.Substring(1, close - 1);
                    if (s.Length > close + 1 && s[close + 1] == ':') port = s.Substring(close + 2);
                    else if (s.Length > close + 1) host = null;
                }
                else host = null;
            }
            else if (s.Count(c => c == ':') == 1)
            {
                int colon = s.IndexOf(':');
                host = s.Substring(0, colon);
                port = s.Substring(colon + 1);
            }
            int number = defaultPort;
            bool ok = !string.IsNullOrEmpty(host) && host.IndexOfAny(new[] { ' ', '/', '[', ']' }) < 0
                      && (port == null || (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0 && number < 65536));
            if (!ok)
                throw new AcmeException("AcmeDnsServerInvalid", AcmeErrorKind.InvalidArgument,
                    $"'{text}' is not a DNS server (host, host:port, or [IPv6 address]:port).") { Target = text };
            return new DnsServerAddress(host.TrimEnd('.'), number);
        }

        /// <summary>Checks each entry (AcmeDnsServerInvalid for the first that is not host[:port]), before anything is done.</summary>
        public static void Validate(System.Collections.Generic.IEnumerable<string> servers)
        {
            foreach (var server in servers ?? new string[0]) Parse(server);
        }

        /// <summary>The address to send to: the IP itself, or the host's first address (IPv4 first).</summary>
        public async Task<IPEndPoint> ResolveAsync()
        {
            if (IPAddress.TryParse(Host, out var ip)) return new IPEndPoint(ip, Port);
            IPAddress[] addresses;
            try
            {
                addresses = await System.Net.Dns.GetHostAddressesAsync(Host).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw Unresolved(ex.Message, ex);
            }
            var chosen = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault();
            if (chosen == null) throw Unresolved("it has no address", null);
            return new IPEndPoint(chosen, Port);
        }

        private AcmeException Unresolved(string why, Exception inner) =>
            new AcmeException("AcmeDnsServerUnreachable", AcmeErrorKind.ConnectionError, $"The DNS server name '{Host}' could not be resolved: {why}", inner)
                { Target = ToString() };
    }
}
