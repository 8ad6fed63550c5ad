using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Challenges;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace AcmePS.Core.Plugins
{
    /// <summary>
    /// One TCP listener that completes TLS handshakes (BouncyCastle's TLS, so ALPN works on .NET Framework too) for
    /// ALPN acme-tls/1 only, serving the challenge certificate of the server name asked for, then closes.
    /// </summary>
    internal sealed class TlsAlpnListener : IDisposable
    {
        private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
        private readonly TcpListener _tcp;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly object _lock = new object();
        // Server name -> certificates, the latest published first.
        private readonly Dictionary<string, List<TlsAlpnCertificate>> _byName = new Dictionary<string, List<TlsAlpnCertificate>>(StringComparer.OrdinalIgnoreCase);
        private readonly BcTlsCrypto _crypto = new BcTlsCrypto(new SecureRandom());

        private TlsAlpnListener(TcpListener tcp)
        {
            _tcp = tcp;
        }

        public static TlsAlpnListener Start(IPEndPoint endpoint)
        {
            var tcp = ListenAddress.Start(endpoint, "AcmeTlsAlpn", "tls-alpn-01",
                "another program (a web server on the HTTPS port?) already listens there: stop it for the validation, or use another challenge type");
            var listener = new TlsAlpnListener(tcp);
            Task.Run(listener.AcceptLoopAsync);
            return listener;
        }

        public void Add(TlsAlpnCertificate certificate)
        {
            lock (_lock)
            {
                if (!_byName.TryGetValue(certificate.ServerName, out var list)) _byName[certificate.ServerName] = list = new List<TlsAlpnCertificate>();
                list.Insert(0, certificate);
            }
        }

        /// <summary>Stops serving the certificates for the server name with that key authorization.</summary>
        public void Remove(string serverName, string keyAuthorization)
        {
            lock (_lock)
            {
                if (!_byName.TryGetValue(serverName, out var list)) return;
                list.RemoveAll(c => c.KeyAuthorization == keyAuthorization);
                if (list.Count == 0) _byName.Remove(serverName);
            }
        }

        /// <summary>
        /// The certificate for the server name the client sent. Without one: the IP identifier of the address the
        /// client connected to, else the only certificate there is.
        /// </summary>
        public TlsAlpnCertificate Find(string serverName, IPAddress local)
        {
            lock (_lock)
            {
                if (!string.IsNullOrEmpty(serverName))
                {
                    string name = serverName.TrimEnd('.');
                    if (IPAddress.TryParse(name, out IPAddress literal)) name = ChallengeAnswers.TlsAlpnServerName(literal.ToString());
                    return _byName.TryGetValue(name, out var named) ? named[0] : null;
                }
                if (local != null && _byName.TryGetValue(ChallengeAnswers.TlsAlpnServerName(local.ToString()), out var byAddress)) return byAddress[0];
                return _byName.Count == 1 ? _byName.Values.First()[0] : null;
            }
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _tcp.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is InvalidOperationException)
                {
                    return; // stopped
                }
                _ = Task.Run(() => Serve(client));
            }
        }

        private void Serve(TcpClient client)
        {
            using (client)
            {
                try
                {
                    client.ReceiveTimeout = client.SendTimeout = (int)HandshakeTimeout.TotalMilliseconds;
                    var local = (client.Client.LocalEndPoint as IPEndPoint)?.Address;
                    if (local != null && local.IsIPv4MappedToIPv6) local = local.MapToIPv4();
                    var protocol = new TlsServerProtocol(client.GetStream());
                    protocol.Accept(new AcmeTlsServer(_crypto, name => Find(name, local)));
                    // RFC 8737 §3: the CA closes after the handshake; nothing is served over the connection.
                    protocol.Close();
                }
                catch (Exception ex) when (ex is System.IO.IOException || ex is TlsFatalAlert || ex is TlsFatalAlertReceived
                                           || ex is SocketException || ex is ObjectDisposedException || ex is TlsException)
                {
                    // A refused or broken handshake concerns only that connection.
                }
            }
        }

        public void Dispose()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            _tcp.Stop();
            _stop.Dispose();
        }
    }
}
