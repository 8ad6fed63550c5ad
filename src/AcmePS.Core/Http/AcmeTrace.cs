using System;
using System.Threading;

namespace AcmePS.Core.Http
{
    /// <summary>
    /// Where the engine reports each request (method, URL, status, time). The host sets a sink for the duration of
    /// an operation; it flows with the async calls, so parallel operations each report to their own host.
    /// </summary>
    public static class AcmeTrace
    {
        private static readonly AsyncLocal<Action<string>> Sink = new AsyncLocal<Action<string>>();

        public static Action<string> Current
        {
            get => Sink.Value;
            set => Sink.Value = value;
        }

        public static void Write(string message) => Sink.Value?.Invoke(message);
    }
}
