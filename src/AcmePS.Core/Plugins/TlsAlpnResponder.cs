using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using AcmePS.Core.Challenges;

namespace AcmePS.Core.Plugins
{
    /// <summary>
    /// The tls-alpn-01 responder of this process: one TLS listener per address:port, shared by every challenge
    /// published on it, each answered with its own certificate chosen by the server name the CA sends. A listener
    /// starts with its first challenge and stops (its port freed) when its last one is removed.
    /// </summary>
    public static class TlsAlpnResponder
    {
        private static readonly object Lock = new object();
        private static readonly Dictionary<string, TlsAlpnListener> Listeners = new Dictionary<string, TlsAlpnListener>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Starts answering for <paramref name="identifier"/> on address:port (the listener starts if needed).</summary>
        public static void Publish(string address, int port, string identifier, string keyAuthorization)
        {
            var endpoint = Endpoint(address, port);
            var certificate = TlsAlpnCertificate.Create(identifier, keyAuthorization);
            lock (Lock)
            {
                string key = endpoint.ToString();
                if (!Listeners.TryGetValue(key, out TlsAlpnListener listener))
                {
                    listener = TlsAlpnListener.Start(endpoint);
                    Listeners[key] = listener;
                }
                listener.Add(certificate);
            }
        }

        /// <summary>Stops answering for the identifier; the listener stops once it answers for nothing. Unknown: nothing happens.</summary>
        public static void Unpublish(string address, int port, string identifier, string keyAuthorization)
        {
            var endpoint = Endpoint(address, port);
            lock (Lock)
            {
                string key = endpoint.ToString();
                if (!Listeners.TryGetValue(key, out TlsAlpnListener listener)) return;
                listener.Remove(identifier, keyAuthorization);
                if (listener.IsEmpty)
                {
                    Listeners.Remove(key);
                    listener.Dispose();
                }
            }
        }

        /// <summary>The address:port pairs listened on now (for tests and diagnostics).</summary>
        public static IReadOnlyList<string> ActiveEndpoints
        {
            get { lock (Lock) return Listeners.Keys.ToList(); }
        }

        private static readonly Queue<string> Seen = new Queue<string>();

        /// <summary>The server names (SNI) of the latest handshakes, oldest first, "" for none (at most 32; for diagnostics).</summary>
        public static IReadOnlyList<string> RecentServerNames
        {
            get { lock (Seen) return Seen.ToList(); }
        }

        internal static void NoteServerName(string serverName)
        {
            lock (Seen)
            {
                Seen.Enqueue(serverName ?? "");
                while (Seen.Count > 32) Seen.Dequeue();
            }
        }

        /// <summary>The certificate served now for a server name on address:port, or null.</summary>
        public static TlsAlpnCertificate Find(string address, int port, string serverName)
        {
            lock (Lock)
                return Listeners.TryGetValue(Endpoint(address, port).ToString(), out TlsAlpnListener listener) ? listener.Find(serverName, null) : null;
        }

        private static IPEndPoint Endpoint(string address, int port)
        {
            if (port < 1 || port > 65535)
                throw new AcmeException("AcmeTlsAlpnPortInvalid", AcmeErrorKind.InvalidArgument, $"{port} is not a TCP port (1-65535).") { Target = port };
            if (string.IsNullOrWhiteSpace(address) || !IPAddress.TryParse(address.Trim(), out IPAddress ip))
                throw new AcmeException("AcmeTlsAlpnAddressInvalid", AcmeErrorKind.InvalidArgument,
                    $"'{address}' is not an IP address to listen on (for example 0.0.0.0, :: or 127.0.0.1).") { Target = address };
            return new IPEndPoint(ip, port);
        }
    }
}
