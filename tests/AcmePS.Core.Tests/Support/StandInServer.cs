using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AcmePS.Core.Tests.Support;

/// <summary>
/// A small HTTP server on a free loopback port that records every request and answers through a handler:
/// a stand-in for the managed identity endpoints and for checking what a client sends.
/// </summary>
public sealed class StandInServer : IDisposable
{
    public sealed record Request(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers);

    private readonly HttpListener _listener = new();
    private readonly Func<Request, (int Status, string Body, IDictionary<string, string> Headers)> _handler;
    private readonly Task _loop;

    public StandInServer(Func<Request, (int Status, string Body, IDictionary<string, string> Headers)> handler)
    {
        _handler = handler;
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        Port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    public ConcurrentQueue<Request> Requests { get; } = new();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            var headers = ctx.Request.Headers.AllKeys.Where(k => k != null).ToDictionary(k => k!, k => ctx.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var request = new Request(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, ctx.Request.Url.Query, headers);
            Requests.Enqueue(request);
            var (status, body, extra) = _handler(request);
            ctx.Response.StatusCode = status;
            if (extra != null) foreach (var kv in extra) ctx.Response.Headers[kv.Key] = kv.Value;
            byte[] bytes = Encoding.UTF8.GetBytes(body ?? "");
            ctx.Response.ContentLength64 = bytes.Length;
            if (bytes.Length > 0) await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(2000); } catch (AggregateException) { }
    }
}
