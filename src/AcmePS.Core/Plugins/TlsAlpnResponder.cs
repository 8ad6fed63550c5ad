using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using AcmePS.Core.Challenges;
using AcmePS.Core.Util;

namespace AcmePS.Core.Plugins
{
    /// <summary>
    /// The tls-alpn-01 responder of this process: one TLS listener per address:port, shared by every challenge
    /// published on it, each answered with its own certificate chosen by the server name the CA sends. A listener
    /// starts with its first challenge and stops (its port freed) when its last one is removed. So that nothing is
    /// left listening when Unpublish never comes, a challenge is answered for <see cref="MaxLifetime"/> at most, and
    /// every listener stops when the process exits (<see cref="ListenerRegistry{TListener}"/>).
    /// </summary>
    public static class TlsAlpnResponder
    {
        public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

        // An item is one certificate: "<server name>\n<key authorization>".
        private static readonly ListenerRegistry<TlsAlpnListener> Listeners = new ListenerRegistry<TlsAlpnListener>(
            TlsAlpnListener.Start, (listener, item) => listener.Remove(ServerNameOf(item), KeyAuthorizationOf(item)), MaxLifetime);

        /// <summary>The clock for the challenges' lifetime (tests replace it).</summary>
        internal static IClock Clock
        {
            get => Listeners.Clock;
            set => Listeners.Clock = value;
        }

        /// <summary>Starts answering for <paramref name="identifier"/> on address:port (the listener starts if needed).</summary>
        public static void Publish(string address, int port, string identifier, string keyAuthorization)
        {
            var endpoint = Endpoint(address, port);
            var certificate = TlsAlpnCertificate.Create(identifier, keyAuthorization);
            Listeners.Add(endpoint, Item(certificate.ServerName, certificate.KeyAuthorization), listener => listener.Add(certificate));
        }

        /// <summary>
        /// Stops answering for the identifier (with that key authorization; null: any); the listener stops once it
        /// answers for nothing. Unknown: nothing happens.
        /// </summary>
        public static void Unpublish(string address, int port, string identifier, string keyAuthorization)
        {
            var endpoint = Endpoint(address, port);
            string name = ChallengeAnswers.TlsAlpnServerName(identifier);
            Listeners.Remove(endpoint, item => ServerNameOf(item) == name && (keyAuthorization == null || KeyAuthorizationOf(item) == keyAuthorization));
        }

        /// <summary>The address:port pairs listened on now (for tests and diagnostics).</summary>
        public static IReadOnlyList<string> ActiveEndpoints => Listeners.ActiveEndPoints;

        public static void StopAll() => Listeners.StopAll();

        /// <summary>Drops the challenges past their lifetime and stops the listeners left with none.</summary>
        internal static void Sweep() => Listeners.Sweep();

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
        public static TlsAlpnCertificate Find(string address, int port, string serverName) =>
            Listeners.Find(Endpoint(address, port))?.Find(serverName, null);

        /// <summary>The address to listen on (<see cref="ListenAddress.Parse"/>); AcmeTlsAlpnAddressInvalid, AcmeTlsAlpnPortInvalid.</summary>
        private static IPEndPoint Endpoint(string address, int port) => ListenAddress.Parse(address, port, "AcmeTlsAlpn");

        private static string Item(string serverName, string keyAuthorization) => serverName + "\n" + keyAuthorization;

        private static string ServerNameOf(string item) => item.Substring(0, item.IndexOf('\n'));

        private static string KeyAuthorizationOf(string item) => item.Substring(item.IndexOf('\n') + 1);
    }
}
