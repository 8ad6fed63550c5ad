using AcmePS.Core.Http;
using AcmePS.Core.Util;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Tests.Fakes;

/// <summary>Answers one request; may throw <see cref="AcmeTransportException"/> to play a lost connection.</summary>
public delegate AcmeHttpResponse Responder(RecordedRequest request);

/// <summary>One request the client sent, with the JWS decoded, and what the fake answered.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(int index, AcmeHttpRequest request)
    {
        Index = index;
        Method = request.Method;
        Url = request.Url;
        Body = request.JoseBody;
        if (Body != null)
        {
            var jws = JObject.Parse(Body);
            Protected = JObject.Parse(System.Text.Encoding.UTF8.GetString(Base64Url.Decode((string)jws["protected"])));
            PayloadText = System.Text.Encoding.UTF8.GetString(Base64Url.Decode((string)jws["payload"]));
        }
    }

    public int Index { get; }
    public string Method { get; }
    public Uri Url { get; }
    public string Body { get; }
    public JObject Protected { get; }
    public string PayloadText { get; }
    public string Nonce => (string)Protected?["nonce"];

    /// <summary>The payload as JSON, strings kept as sent (no date parsing); null for POST-as-GET.</summary>
    public JObject Payload
    {
        get
        {
            if (string.IsNullOrEmpty(PayloadText)) return null;
            using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(PayloadText)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
            return JObject.Load(reader);
        }
    }

    /// <summary>Null when the fake threw instead of answering.</summary>
    public AcmeHttpResponse Response { get; internal set; }

    public override string ToString() => $"#{Index} {Method} {Url} nonce={Nonce} -> {Response?.StatusCode.ToString() ?? "dropped"}";
}

/// <summary>
/// A scripted ACME server behind <see cref="IAcmeHttpClient"/>: serves the directory and HEAD newNonce, hands out
/// nonces on every answer, refuses unknown or reused nonces with badNonce (as a real CA does), and records every request.
/// Per-URL answers are scripted with <see cref="Enqueue"/> (once each, in order) and <see cref="Always"/>.
/// </summary>
public sealed class FakeAcmeServer : IAcmeHttpClient
{
    public static readonly Uri Base = new("https://ca.test/");

    private readonly object _lock = new();
    private readonly List<RecordedRequest> _requests = new();
    private readonly HashSet<string> _issued = new();
    private readonly HashSet<string> _used = new();
    private readonly Dictionary<string, Queue<Responder>> _once = new();
    private readonly Dictionary<string, Responder> _always = new();
    private int _nonceCounter;

    public Uri DirectoryUrl { get; } = new(Base, "directory");
    public Uri NewNonceUrl { get; } = new(Base, "acme/new-nonce");
    public Uri NewAccountUrl { get; } = new(Base, "acme/new-acct");
    public Uri NewOrderUrl { get; } = new(Base, "acme/new-order");
    public Uri RevokeCertUrl { get; } = new(Base, "acme/revoke-cert");
    public Uri AccountUrl { get; } = new(Base, "acme/acct/1");
    public Uri OrderUrl { get; } = new(Base, "acme/order/1");
    public Uri FinalizeUrl { get; } = new(Base, "acme/order/1/finalize");
    public Uri AuthorizationUrl { get; } = new(Base, "acme/authz/1");
    public Uri CertificateUrl { get; } = new(Base, "acme/cert/1");

    /// <summary>Answer a POST whose nonce was never issued or was used before with badNonce, before any script runs.</summary>
    public bool EnforceNonces { get; set; } = true;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_lock) return _requests.ToList(); }
    }

    public IReadOnlyList<RecordedRequest> To(string method, Uri url) =>
        Requests.Where(r => r.Method == method && r.Url == url).ToList();

    public int Count(string method, Uri url) => To(method, url).Count;

    public int Count(string method) => Requests.Count(r => r.Method == method);

    public FakeAcmeServer Enqueue(Uri url, params Responder[] responders)
    {
        lock (_lock)
        {
            if (!_once.TryGetValue(url.AbsoluteUri, out var queue)) _once[url.AbsoluteUri] = queue = new Queue<Responder>();
            foreach (var r in responders) queue.Enqueue(r);
        }
        return this;
    }

    public FakeAcmeServer Always(Uri url, Responder responder)
    {
        lock (_lock) _always[url.AbsoluteUri] = responder;
        return this;
    }

    public async Task<AcmeHttpResponse> SendAsync(AcmeHttpRequest request, CancellationToken cancellationToken)
    {
        await Task.Yield(); // answer asynchronously, as a network would
        cancellationToken.ThrowIfCancellationRequested();
        RecordedRequest recorded;
        Responder responder;
        lock (_lock)
        {
            recorded = new RecordedRequest(_requests.Count, request);
            _requests.Add(recorded);
            responder = PickLocked(recorded);
        }
        var response = responder(recorded);
        lock (_lock)
        {
            if (response.ReplayNonce == Responses.NoNonce) response.ReplayNonce = null;
            else if (response.ReplayNonce == null) response.ReplayNonce = NextNonceLocked();
            else _issued.Add(response.ReplayNonce);
            recorded.Response = response;
        }
        return response;
    }

    private Responder PickLocked(RecordedRequest r)
    {
        if (r.Method == "POST" && EnforceNonces)
        {
            string nonce = r.Nonce;
            bool fresh = nonce != null && _issued.Contains(nonce) && _used.Add(nonce);
            if (!fresh) return _ => Responses.Problem(400, "badNonce", $"JWS has an invalid anti-replay nonce: {nonce}");
        }
        if (_once.TryGetValue(r.Url.AbsoluteUri, out var queue) && queue.Count > 0) return queue.Dequeue();
        if (_always.TryGetValue(r.Url.AbsoluteUri, out var always)) return always;
        if (r.Method == "GET" && r.Url == DirectoryUrl) return _ => Responses.Json(200, Directory(), nonce: Responses.NoNonce);
        if (r.Method == "HEAD" && r.Url == NewNonceUrl) return _ => new AcmeHttpResponse { StatusCode = 200, Body = "" };
        return _ => Responses.Problem(404, "malformed", $"the fake has no answer for {r.Method} {r.Url}");
    }

    private string NextNonceLocked()
    {
        string nonce = "nonce-" + (++_nonceCounter).ToString("D4");
        _issued.Add(nonce);
        return nonce;
    }

    public JObject Directory() => new()
    {
        ["newNonce"] = NewNonceUrl.AbsoluteUri,
        ["newAccount"] = NewAccountUrl.AbsoluteUri,
        ["newOrder"] = NewOrderUrl.AbsoluteUri,
        ["revokeCert"] = RevokeCertUrl.AbsoluteUri,
        ["keyChange"] = new Uri(Base, "acme/key-change").AbsoluteUri,
        ["meta"] = new JObject { ["termsOfService"] = "https://ca.test/tos" },
    };

    public JObject Order(string status) => new()
    {
        ["status"] = status,
        ["identifiers"] = new JArray(new JObject { ["type"] = "dns", ["value"] = "www.example.com" }),
        ["authorizations"] = new JArray(AuthorizationUrl.AbsoluteUri),
        ["finalize"] = FinalizeUrl.AbsoluteUri,
        ["certificate"] = status == "valid" ? CertificateUrl.AbsoluteUri : null,
    };

    public JObject Authorization(string status) => new()
    {
        ["status"] = status,
        ["identifier"] = new JObject { ["type"] = "dns", ["value"] = "www.example.com" },
        ["challenges"] = new JArray(new JObject
        {
            ["type"] = "dns-01", ["url"] = new Uri(Base, "acme/chall/1").AbsoluteUri, ["status"] = status, ["token"] = "tok",
        }),
    };
}
