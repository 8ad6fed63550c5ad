using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace AcmePS.Core.Plugins
{
    /// <summary>
    /// The address and port a plugin that answers challenges itself (SelfHost, TlsAlpn) listens on: how the user writes
    /// it, how it is shown, and the socket that listens there.
    /// </summary>
    internal static class ListenAddress
    {
        // IPAddress.TryParse takes inet_aton forms ("1.2.3" is 1.2.0.3, "10" is 0.0.0.10): an IPv4 address here has its four parts.
        private static readonly Regex DottedQuad = new Regex(@"^\d{1,3}(\.\d{1,3}){3}$", RegexOptions.CultureInvariant);

        /// <summary>
        /// "*" or empty: every address, IPv6 and IPv4 (one dual-stack socket; every IPv4 address where the system has no
        /// IPv6), since a CA connects over IPv6 when the name has an AAAA record; "0.0.0.0": every IPv4 address;
        /// "::": every address as "*"; else one IP address, an IPv6 one with or without brackets ("[::1]").
        /// A bad port is <paramref name="errorIdPrefix"/>PortInvalid, a bad address <paramref name="errorIdPrefix"/>AddressInvalid.
        /// </summary>
        public static IPEndPoint Parse(string address, int port, string errorIdPrefix)
        {
            if (port < 1 || port > 65535)
                throw new AcmeException(errorIdPrefix + "PortInvalid", AcmeErrorKind.InvalidArgument, $"{port} is not a TCP port (1-65535).") { Target = port };
            string text = (address ?? "").Trim();
            if (text.Length == 0 || text == "*") return new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, port);
            if (text.Length > 2 && text.StartsWith("[") && text.EndsWith("]")) text = text.Substring(1, text.Length - 2);
            // IPAddress.TryParse also takes "[::1]:80" (and drops the port): no brackets are left in an address here.
            bool shaped = (text.Contains(":") && text.IndexOfAny(new[] { '[', ']' }) < 0) || DottedQuad.IsMatch(text);
            if (!shaped || !IPAddress.TryParse(text, out IPAddress ip))
                throw new AcmeException(errorIdPrefix + "AddressInvalid", AcmeErrorKind.InvalidArgument,
                    $"'{address}' is not an IP address to listen on (for example *, 0.0.0.0, 127.0.0.1 or ::).") { Target = address };
            return new IPEndPoint(ip, port);
        }

        /// <summary>"127.0.0.1:8080", "[::]:443": the registry's key and what messages show.</summary>
        public static string Format(IPEndPoint endPoint) =>
            endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : $"{endPoint.Address}:{endPoint.Port}";

        /// <summary>
        /// A started listening socket for the address and port; on "::" (and "*") it takes IPv4 too. When the address
        /// cannot be bound: <paramref name="errorIdPrefix"/>ListenFailed, saying why (<paramref name="inUse"/> when another
        /// program holds the port).
        /// </summary>
        public static TcpListener Start(IPEndPoint endPoint, string errorIdPrefix, string challengeType, string inUse)
        {
            TcpListener tcp = null;
            try
            {
                tcp = new TcpListener(endPoint);
                if (endPoint.Address.Equals(IPAddress.IPv6Any)) tcp.Server.DualMode = true;
                tcp.Start();
                return tcp;
            }
            catch (SocketException ex)
            {
                tcp?.Server.Dispose();
                string why = ex.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? inUse
                    : ex.SocketErrorCode == SocketError.AccessDenied
                        ? "this account may not listen there (on Linux and macOS, ports below 1024 need root or CAP_NET_BIND_SERVICE)"
                        : ex.Message;
                throw new AcmeException(errorIdPrefix + "ListenFailed",
                    ex.SocketErrorCode == SocketError.AccessDenied ? AcmeErrorKind.PermissionDenied : AcmeErrorKind.ResourceBusy,
                    $"Cannot listen for {challengeType} validation on {Format(endPoint)}: {why}.", ex) { Target = Format(endPoint) };
            }
        }
    }
}
