using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Dns.Providers.AcmeDns
{
    /// <summary>
    /// One CNAME question over UDP, for the acme-dns plugin's check that _acme-challenge.&lt;name&gt; points at its
    /// registration. Returns the target, "" when the server answered without a CNAME, or null when no server answered.
    /// </summary>
    public static class CnameLookup
    {
        public static async Task<string> QueryAsync(string name, IPEndPoint server, CancellationToken ct)
        {
            var servers = server != null ? new[] { server } : SystemServers();
            var query = BuildQuery(name, (ushort)new Random().Next(1, 65535));
            foreach (var endpoint in servers)
            {
                for (int attempt = 0; attempt < 2; attempt++)
                {
                    try
                    {
                        using (var udp = new UdpClient(endpoint.AddressFamily))
                        {
                            await udp.SendAsync(query, query.Length, endpoint).ConfigureAwait(false);
                            var receive = udp.ReceiveAsync();
                            var done = await Task.WhenAny(receive, Task.Delay(TimeSpan.FromSeconds(2), ct)).ConfigureAwait(false);
                            ct.ThrowIfCancellationRequested();
                            if (done != receive) continue;
                            var answer = Parse(receive.Result.Buffer, query);
                            if (answer != null) return answer;
                        }
                    }
                    catch (SocketException) { break; }
                }
            }
            return null;
        }

        public static IPEndPoint ParseServer(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            text = text.Trim();
            int port = 53;
            string host = text;
            int colon = text.LastIndexOf(':');
            if (colon > 0 && text.IndexOf(':') == colon && int.TryParse(text.Substring(colon + 1), out int p)) { host = text.Substring(0, colon); port = p; }
            if (!IPAddress.TryParse(host.Trim('[', ']'), out var address))
                throw new AcmeException("AcmeDnsServerInvalid", AcmeErrorKind.InvalidArgument, $"'{text}' is not a DNS server address (an IP address, optionally with :port).") { Target = text };
            return new IPEndPoint(address, port);
        }

        private static IPEndPoint[] SystemServers()
        {
            try
            {
                return NetworkInterface.GetAllNetworkInterfaces()
                    .Where(n => n.OperationalStatus == OperationalStatus.Up)
                    .SelectMany(n => n.GetIPProperties().DnsAddresses)
                    .Where(a => a.AddressFamily == AddressFamily.InterNetwork || !a.IsIPv6SiteLocal)
                    .Distinct().Select(a => new IPEndPoint(a, 53)).ToArray();
            }
            catch (NetworkInformationException) { return new IPEndPoint[0]; }
        }

        private static byte[] BuildQuery(string name, ushort id)
        {
            var bytes = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
            foreach (string label in DnsNames.Normalize(name).Split('.'))
            {
                var data = Encoding.ASCII.GetBytes(label);
                bytes.Add((byte)data.Length);
                bytes.AddRange(data);
            }
            bytes.AddRange(new byte[] { 0, 0, 5, 0, 1 }); // root, QTYPE CNAME, QCLASS IN
            return bytes.ToArray();
        }

        private static string Parse(byte[] m, byte[] query)
        {
            if (m.Length < 12 || m[0] != query[0] || m[1] != query[1] || (m[2] & 0x80) == 0) return null;
            int rcode = m[3] & 0x0F;
            if (rcode != 0 && rcode != 3) return null; // SERVFAIL, REFUSED…: not an answer
            int qd = (m[4] << 8) | m[5], an = (m[6] << 8) | m[7];
            int pos = 12;
            for (int i = 0; i < qd; i++) { ReadName(m, ref pos); pos += 4; }
            for (int i = 0; i < an; i++)
            {
                ReadName(m, ref pos);
                int type = (m[pos] << 8) | m[pos + 1];
                int length = (m[pos + 8] << 8) | m[pos + 9];
                pos += 10;
                if (type == 5) { int at = pos; return ReadName(m, ref at); }
                pos += length;
            }
            return "";
        }

        private static string ReadName(byte[] m, ref int pos)
        {
            var labels = new List<string>();
            int end = -1, jumps = 0;
            while (true)
            {
                int length = m[pos];
                if (length == 0) { pos++; break; }
                if ((length & 0xC0) == 0xC0)
                {
                    if (end < 0) end = pos + 2;
                    pos = ((length & 0x3F) << 8) | m[pos + 1];
                    if (++jumps > 20) throw new FormatException("DNS name compression loop");
                    continue;
                }
                labels.Add(Encoding.ASCII.GetString(m, pos + 1, length));
                pos += length + 1;
            }
            if (end >= 0) pos = end;
            return string.Join(".", labels).ToLowerInvariant();
        }
    }
}
