using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Plugins.Http01
{
    /// <summary>
    /// A minimal HTTP/1.1 responder on one address and port: GET (or HEAD) of /.well-known/acme-challenge/&lt;token&gt;
    /// answers 200 with the key authorization of a published token, anything else 404, and every connection is
    /// closed after one answer. Built on TcpListener rather than HttpListener: HttpListener on Windows goes through
    /// http.sys and needs a URL ACL (or an elevated session) for each prefix; a plain socket needs neither.
    /// </summary>
    internal sealed class Http01Listener : IDisposable
    {
        private const int MaxRequestBytes = 8192;
        private const int MaxConnections = 64; // beyond: closed at once, so idle connections cannot pile up
        private int _connections;
        private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        private Http01Listener(TcpListener listener) => _listener = listener;

        /// <summary>Token → content; the registry adds and removes entries while the listener runs.</summary>
        public ConcurrentDictionary<string, string> Answers { get; } = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        public IPEndPoint LocalEndPoint => (IPEndPoint)_listener.LocalEndpoint;

        /// <summary>Binds and starts accepting; AcmeSelfHostListenFailed when the address and port cannot be bound.</summary>
        public static Http01Listener Start(IPEndPoint endPoint)
        {
            var tcp = ListenAddress.Start(endPoint, "AcmeSelfHost", "http-01",
                "another program (a web server?) already listens there: stop it for the validation, or use the WebRoot plugin");
            var listener = new Http01Listener(tcp);
            _ = Task.Run(listener.AcceptLoopAsync);
            return listener;
        }

        public void Dispose()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return; // Stop() ends the pending accept
                }
                catch (SocketException)
                {
                    continue; // a client that reset before the accept completed
                }
                if (Interlocked.Increment(ref _connections) > MaxConnections)
                {
                    Interlocked.Decrement(ref _connections);
                    client.Dispose();
                    continue;
                }
                _ = Task.Run(async () =>
                {
                    try { await ServeAsync(client).ConfigureAwait(false); }
                    finally { Interlocked.Decrement(ref _connections); }
                });
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                timeout.CancelAfter(ReadTimeout);
                try
                {
                    var stream = client.GetStream();
                    string head = await ReadHeadAsync(stream, timeout.Token).ConfigureAwait(false);
                    byte[] response = Respond(head);
                    await stream.WriteAsync(response, 0, response.Length, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // a client that went away, never finished its request, or the listener stopping: this connection
                    // ends, the listener goes on
                }
            }
        }

        /// <summary>The request line and headers (up to the empty line), or what came before the client stopped sending.</summary>
        private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
        {
            var buffer = new byte[MaxRequestBytes];
            int length = 0;
            using (ct.Register(stream.Dispose))
            {
                while (length < buffer.Length)
                {
                    int read = await stream.ReadAsync(buffer, length, buffer.Length - length, ct).ConfigureAwait(false);
                    if (read == 0) break;
                    length += read;
                    if (Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n")) break;
                }
            }
            return Encoding.ASCII.GetString(buffer, 0, length);
        }

        /// <summary>The whole response to a request head.</summary>
        internal byte[] Respond(string head)
        {
            int end = head.IndexOf("\r\n", StringComparison.Ordinal);
            string[] requestLine = (end >= 0 ? head.Substring(0, end) : head).Split(' ');
            if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
                return Build(400, "Bad Request", "bad request", headOnly: false);
            string method = requestLine[0];
            bool headOnly = method == "HEAD";
            if (method != "GET" && !headOnly) return Build(405, "Method Not Allowed", "GET only", headOnly: false);

            string target = requestLine[1];
            if (Uri.TryCreate(target, UriKind.Absolute, out Uri absolute) && (absolute.Scheme == "http" || absolute.Scheme == "https"))
                target = absolute.AbsolutePath; // absolute-form (RFC 9112 §3.2.2)
            int query = target.IndexOf('?');
            if (query >= 0) target = target.Substring(0, query);

            if (target.StartsWith(Http01Token.PathPrefix, StringComparison.Ordinal)
                && Answers.TryGetValue(target.Substring(Http01Token.PathPrefix.Length), out string content))
                return Build(200, "OK", content, headOnly);
            return Build(404, "Not Found", "not found", headOnly);
        }

        private static byte[] Build(int status, string reason, string body, bool headOnly)
        {
            byte[] bodyBytes = Encoding.UTF8.GetBytes(body);
            string headers = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {bodyBytes.Length}\r\n"
                             + "Connection: close\r\nServer: AcmePS\r\n\r\n";
            byte[] headerBytes = Encoding.ASCII.GetBytes(headers);
            if (headOnly) return headerBytes;
            var all = new byte[headerBytes.Length + bodyBytes.Length];
            Buffer.BlockCopy(headerBytes, 0, all, 0, headerBytes.Length);
            Buffer.BlockCopy(bodyBytes, 0, all, headerBytes.Length, bodyBytes.Length);
            return all;
        }
    }
}
