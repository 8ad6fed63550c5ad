using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using AcmePS.Core.Util;

namespace AcmePS.Core.Plugins.Http01
{
    /// <summary>
    /// The SelfHost plugin's listeners, one per address and port for the whole process, shared by every challenge
    /// published there. A listener starts with the first token published on its address and port and stops when
    /// its last token is removed (Unpublish). So that nothing is left listening when Unpublish never comes (a
    /// stopped pipeline, a script that published by hand), a token is served for <see cref="MaxLifetime"/> at most,
    /// and every listener stops when the process exits.
    /// </summary>
    public static class SelfHostResponder
    {
        public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);
        private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

        private static readonly object Gate = new object();
        private static readonly Dictionary<string, Entry> Listeners = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        private static Timer _sweeper;

        static SelfHostResponder()
        {
            AppDomain.CurrentDomain.ProcessExit += (sender, args) => StopAll();
        }

        /// <summary>The clock for the tokens' lifetime (tests replace it).</summary>
        internal static IClock Clock { get; set; } = SystemClock.Instance;

        /// <summary>Serves <paramref name="content"/> at /.well-known/acme-challenge/<paramref name="token"/> on address:port.</summary>
        public static void Publish(string address, int port, string token, string content, object target = null)
        {
            Http01Token.Check(token, content, target ?? token);
            var endPoint = ParseEndPoint(address, port);
            string key = Http01Listener.Format(endPoint);
            lock (Gate)
            {
                if (!Listeners.TryGetValue(key, out Entry entry))
                {
                    entry = new Entry(Http01Listener.Start(endPoint));
                    Listeners[key] = entry;
                    if (_sweeper == null) _sweeper = new Timer(_ => Sweep(), null, SweepInterval, SweepInterval);
                }
                entry.Listener.Answers[token] = content;
                entry.Expires[token] = Clock.UtcNow + MaxLifetime;
            }
        }

        /// <summary>Stops serving the token; the listener stops with its last token. A token not served is no error.</summary>
        public static void Unpublish(string address, int port, string token)
        {
            string key = Http01Listener.Format(ParseEndPoint(address, port));
            lock (Gate)
            {
                if (!Listeners.TryGetValue(key, out Entry entry)) return;
                entry.Listener.Answers.TryRemove(token ?? "", out _);
                entry.Expires.Remove(token ?? "");
                StopIfIdle(key, entry);
            }
        }

        /// <summary>The address:port of every running listener ("127.0.0.1:8080", "[::]:80").</summary>
        public static IReadOnlyList<string> ActiveEndPoints
        {
            get { lock (Gate) return Listeners.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList(); }
        }

        public static void StopAll()
        {
            lock (Gate)
            {
                foreach (var entry in Listeners.Values) entry.Listener.Dispose();
                Listeners.Clear();
                StopSweeper();
            }
        }

        /// <summary>Drops the tokens past their lifetime and stops the listeners left with none.</summary>
        internal static void Sweep()
        {
            lock (Gate)
            {
                var now = Clock.UtcNow;
                foreach (var pair in Listeners.ToList())
                {
                    foreach (var token in pair.Value.Expires.Where(e => e.Value <= now).Select(e => e.Key).ToList())
                    {
                        pair.Value.Expires.Remove(token);
                        pair.Value.Listener.Answers.TryRemove(token, out _);
                    }
                    StopIfIdle(pair.Key, pair.Value);
                }
            }
        }

        /// <summary>
        /// "*" or empty: every address, IPv6 and IPv4 (one dual-stack socket; every IPv4 address where the system has no
        /// IPv6), since a CA connects over IPv6 when the name has an AAAA record; "0.0.0.0": every IPv4 address;
        /// "::": every address as "*"; else one IP address.
        /// </summary>
        public static IPEndPoint ParseEndPoint(string address, int port)
        {
            if (port < 1 || port > 65535)
                throw new AcmeException("AcmeSelfHostAddressInvalid", AcmeErrorKind.InvalidArgument, $"{port} is not a TCP port (1-65535).") { Target = port };
            string text = (address ?? "").Trim();
            if (text.Length == 0 || text == "*") return new IPEndPoint(System.Net.Sockets.Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, port);
            if (text.StartsWith("[") && text.EndsWith("]")) text = text.Substring(1, text.Length - 2);
            // IPAddress.TryParse takes inet_aton forms ("1.2.3" is 1.2.0.3): an IPv4 address here has its four parts.
            bool shaped = text.Contains(":") || System.Text.RegularExpressions.Regex.IsMatch(text, @"^\d{1,3}(\.\d{1,3}){3}$");
            if (!shaped || !IPAddress.TryParse(text, out IPAddress ip))
                throw new AcmeException("AcmeSelfHostAddressInvalid", AcmeErrorKind.InvalidArgument,
                    $"'{address}' is not an IP address to listen on (for example 0.0.0.0, 127.0.0.1 or ::).") { Target = address };
            return new IPEndPoint(ip, port);
        }

        private static void StopIfIdle(string key, Entry entry)
        {
            if (entry.Expires.Count > 0) return;
            entry.Listener.Dispose();
            Listeners.Remove(key);
            if (Listeners.Count == 0) StopSweeper();
        }

        private static void StopSweeper()
        {
            _sweeper?.Dispose();
            _sweeper = null;
        }

        private sealed class Entry
        {
            public Entry(Http01Listener listener) => Listener = listener;

            public Http01Listener Listener { get; }

            public Dictionary<string, DateTimeOffset> Expires { get; } = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        }
    }
}
