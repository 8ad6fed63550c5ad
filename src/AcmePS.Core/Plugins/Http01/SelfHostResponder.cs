using System;
using System.Collections.Generic;
using System.Net;
using AcmePS.Core.Util;

namespace AcmePS.Core.Plugins.Http01
{
    /// <summary>
    /// The SelfHost plugin's listeners, one per address and port for the whole process, shared by every challenge
    /// published there. A listener starts with the first token published on its address and port and stops when
    /// its last token is removed (Unpublish). So that nothing is left listening when Unpublish never comes (a
    /// stopped pipeline, a script that published by hand), a token is served for <see cref="MaxLifetime"/> at most,
    /// and every listener stops when the process exits (<see cref="ListenerRegistry{TListener}"/>).
    /// </summary>
    public static class SelfHostResponder
    {
        public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

        private static readonly ListenerRegistry<Http01Listener> Listeners = new ListenerRegistry<Http01Listener>(
            Http01Listener.Start, (listener, token) => listener.Answers.TryRemove(token, out _), MaxLifetime);

        /// <summary>The clock for the tokens' lifetime (tests replace it).</summary>
        internal static IClock Clock
        {
            get => Listeners.Clock;
            set => Listeners.Clock = value;
        }

        /// <summary>Serves <paramref name="content"/> at /.well-known/acme-challenge/<paramref name="token"/> on address:port.</summary>
        public static void Publish(string address, int port, string token, string content, object target = null)
        {
            Http01Token.Check(token, content, target ?? token);
            Listeners.Add(ParseEndPoint(address, port), token, listener => listener.Answers[token] = content);
        }

        /// <summary>Stops serving the token; the listener stops with its last token. A token not served is no error.</summary>
        public static void Unpublish(string address, int port, string token) =>
            Listeners.Remove(ParseEndPoint(address, port), token ?? "");

        /// <summary>The address:port of every running listener ("127.0.0.1:8080", "[::]:80").</summary>
        public static IReadOnlyList<string> ActiveEndPoints => Listeners.ActiveEndPoints;

        public static void StopAll() => Listeners.StopAll();

        /// <summary>Drops the tokens past their lifetime and stops the listeners left with none.</summary>
        internal static void Sweep() => Listeners.Sweep();

        /// <summary>The address to listen on (<see cref="ListenAddress.Parse"/>); AcmeSelfHostAddressInvalid, AcmeSelfHostPortInvalid.</summary>
        public static IPEndPoint ParseEndPoint(string address, int port) => ListenAddress.Parse(address, port, "AcmeSelfHost");
    }
}
