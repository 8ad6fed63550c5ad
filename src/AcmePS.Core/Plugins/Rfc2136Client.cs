using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Dns;

namespace AcmePS.Core.Plugins
{
    /// <summary>
    /// Adds and removes TXT values on a DNS server by DNS UPDATE (RFC 2136) signed with TSIG (RFC 8945): what the
    /// Rfc2136 plugin does. Adding keeps the other values of the record set; removing deletes only the given value.
    /// </summary>
    public sealed class Rfc2136Client
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
        private readonly DnsServerAddress _server;
        private readonly TsigKey _key;
        private readonly string _zone;

        /// <param name="server">host or address, with an optional ":port" (the default port is <paramref name="port"/>).</param>
        /// <param name="secretBase64">The TSIG secret as BIND's key files have it (base64).</param>
        public Rfc2136Client(string server, int port, string keyName, string keyAlgorithm, string secretBase64, string zone)
        {
            _server = DnsServerAddress.Parse(server, port);
            if (string.IsNullOrWhiteSpace(keyName))
                throw new AcmeException("AcmeRfc2136KeyInvalid", AcmeErrorKind.InvalidArgument, "The TSIG key name is empty.");
            byte[] secret;
            try
            {
                secret = Convert.FromBase64String((secretBase64 ?? "").Trim());
            }
            catch (FormatException)
            {
                secret = null;
            }
            if (secret == null || secret.Length == 0)
                throw new AcmeException("AcmeRfc2136KeyInvalid", AcmeErrorKind.InvalidArgument,
                    $"The secret of the TSIG key '{keyName}' is not base64 (copy the secret \"...\" value of the key file made by tsig-keygen).") { Target = keyName };
            _key = new TsigKey(keyName, keyAlgorithm ?? "hmac-sha256", secret);
            _zone = string.IsNullOrWhiteSpace(zone) ? null : DnsWire.Canonical(zone);
        }

        /// <summary>The server as host:port, for the challenges' DnsServers (the propagation check asks it).</summary>
        public string Server => _server.ToString();

        /// <summary>Adds the value at <paramref name="name"/>, or where its CNAME leads; returns the name written to.</summary>
        public Task<string> AddTxtAsync(string name, string value, int ttl, CancellationToken ct) => SendAsync(name, (m, n) => m.AddTxt(n, value, ttl), "add", ct);

        /// <summary>Deletes exactly this value at <paramref name="name"/>, or where its CNAME leads; returns the name.</summary>
        public Task<string> DeleteTxtAsync(string name, string value, CancellationToken ct) => SendAsync(name, (m, n) => m.DeleteTxt(n, value), "remove", ct);

        private async Task<string> SendAsync(string recordName, Action<DnsUpdateMessage, string> build, string what, CancellationToken ct)
        {
            var endpoint = await _server.ResolveAsync().ConfigureAwait(false);
            // A CNAME on the record name (a delegated _acme-challenge) is followed: the value goes where it leads.
            var existing = await DnsLookup.TxtAsync(endpoint, recordName, ct).ConfigureAwait(false);
            string name = existing.Error == null ? existing.Name : DnsWire.Canonical(recordName);
            bool inGivenZone = _zone != null && (name == _zone || name.EndsWith("." + _zone, StringComparison.Ordinal));
            string zone = inGivenZone || name == DnsWire.Canonical(recordName) ? _zone : null;
            zone = zone ?? await FindZoneAsync(endpoint, name, ct).ConfigureAwait(false);
            if (!DnsWire.Canonical(name).EndsWith("." + zone, StringComparison.Ordinal) && DnsWire.Canonical(name) != zone)
                throw new AcmeException("AcmeRfc2136ZoneMismatch", AcmeErrorKind.InvalidArgument, $"'{name}' is not in the zone '{zone}'.") { Target = name };
            var message = new DnsUpdateMessage(zone, RandomId());
            build(message, name);
            byte[] request = message.Sign(_key, DateTimeOffset.UtcNow, out byte[] requestMac);
            byte[] reply = await ExchangeTcpAsync(endpoint, request, ct).ConfigureAwait(false);
            var response = DnsUpdateMessage.ReadResponse(reply, _key, requestMac);
            Check(response, message, name, what);
            return name;
        }

        private async Task<string> FindZoneAsync(IPEndPoint endpoint, string name, CancellationToken ct)
        {
            string zone = null;
            try
            {
                zone = await DnsLookup.ZoneOfAsync(endpoint, name, ct).ConfigureAwait(false);
            }
            catch (DnsClient.DnsResponseException ex)
            {
                throw Unreachable(ex);
            }
            return zone ?? throw new AcmeException("AcmeRfc2136ZoneNotFound", AcmeErrorKind.NotFound,
                $"The DNS server {_server} gave no zone (SOA) for '{name}'; name the zone with -Zone.") { Target = name };
        }

        private void Check(DnsUpdateResponse response, DnsUpdateMessage message, string name, string what)
        {
            string action = $"The DNS server {_server} refused to {what} the TXT record {name} in zone {message.Zone}";
            if (response.Id != message.Id)
                throw new AcmeException("AcmeRfc2136ResponseInvalid", AcmeErrorKind.InvalidData, $"The DNS server {_server} answered another message.") { Target = _server.ToString() };
            if (response.TsigError != 0)
                throw new AcmeException("AcmeRfc2136KeyRejected", AcmeErrorKind.PermissionDenied,
                    $"{action}: it rejected the TSIG key '{_key.Name}' ({TsigErrorText(response.TsigError)}).") { Target = _key.Name };
            if (response.ResponseCode == 0 && (!response.Signed || !response.MacValid))
                throw new AcmeException("AcmeRfc2136ResponseInvalid", AcmeErrorKind.SecurityError,
                    $"The DNS server {_server} answered the update without a valid TSIG signature of the key '{_key.Name}'.") { Target = _server.ToString() };
            switch (response.ResponseCode)
            {
                case 0: return;
                case 5:
                    throw new AcmeException("AcmeRfc2136Refused", AcmeErrorKind.PermissionDenied,
                        $"{action} (REFUSED: its update policy does not let the key '{_key.Name}' change TXT records there).") { Target = name };
                case 9:
                    throw new AcmeException("AcmeRfc2136Refused", AcmeErrorKind.PermissionDenied,
                        $"{action} (NOTAUTH: it is not authoritative for the zone {message.Zone}).") { Target = name };
                default:
                    throw new AcmeException("AcmeRfc2136UpdateFailed", AcmeErrorKind.InvalidOperation, $"{action} (RCODE {RcodeText(response.ResponseCode)}).") { Target = name };
            }
        }

        private static string TsigErrorText(int error)
        {
            switch (error)
            {
                case 16: return "BADSIG: the secret is wrong";
                case 17: return "BADKEY: the server has no key of that name and algorithm";
                case 18: return "BADTIME: this computer's clock is more than 5 minutes off";
                case 22: return "BADTRUNC";
                default: return "TSIG error " + error;
            }
        }

        private static string RcodeText(int code)
        {
            string[] names = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE" };
            return code < names.Length ? names[code] : code.ToString();
        }

        private static ushort RandomId()
        {
            var bytes = new byte[2];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            return (ushort)((bytes[0] << 8) | bytes[1]);
        }

        /// <summary>One request and its answer over TCP, each with its two-byte length (RFC 1035 §4.2.2).</summary>
        private async Task<byte[]> ExchangeTcpAsync(IPEndPoint endpoint, byte[] request, CancellationToken ct)
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            using (var tcp = new TcpClient(endpoint.AddressFamily))
            {
                timeout.CancelAfter(Timeout);
                using (timeout.Token.Register(() => tcp.Dispose()))
                {
                    try
                    {
                        await tcp.ConnectAsync(endpoint.Address, endpoint.Port).ConfigureAwait(false);
                        var stream = tcp.GetStream();
                        var framed = new byte[request.Length + 2];
                        framed[0] = (byte)(request.Length >> 8);
                        framed[1] = (byte)request.Length;
                        Buffer.BlockCopy(request, 0, framed, 2, request.Length);
                        await stream.WriteAsync(framed, 0, framed.Length, timeout.Token).ConfigureAwait(false);
                        byte[] length = await ReadExactAsync(stream, 2, timeout.Token).ConfigureAwait(false);
                        return await ReadExactAsync(stream, (length[0] << 8) | length[1], timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is SocketException || ex is IOException || ex is ObjectDisposedException
                                               || (ex is OperationCanceledException && !ct.IsCancellationRequested))
                    {
                        ct.ThrowIfCancellationRequested();
                        throw Unreachable(ex);
                    }
                }
            }
        }

        private static async Task<byte[]> ReadExactAsync(Stream stream, int count, CancellationToken ct)
        {
            var buffer = new byte[count];
            int read = 0;
            while (read < count)
            {
                int n = await stream.ReadAsync(buffer, read, count - read, ct).ConfigureAwait(false);
                if (n == 0) throw new IOException("the server closed the connection");
                read += n;
            }
            return buffer;
        }

        private AcmeException Unreachable(Exception ex) =>
            new AcmeException("AcmeRfc2136Unreachable", AcmeErrorKind.ConnectionError, $"The DNS server {_server} could not be reached: {ex.Message}", ex)
                { Target = _server.ToString() };
    }
}
