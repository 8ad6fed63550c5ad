using AcmePS.Core.Dns.Providers;

namespace AcmePS.Core.Tests.DnsProviders;

/// <summary>Records every request and answers each with the given function.</summary>
public sealed class RecordingTransport : IRestTransport
{
    private readonly Func<RestRequest, RestResponse> _answer;

    public RecordingTransport(Func<RestRequest, RestResponse> answer) => _answer = answer;

    public List<RestRequest> Requests { get; } = new();

    public Task<RestResponse> SendAsync(RestRequest request, CancellationToken cancellationToken)
    {
        lock (Requests) Requests.Add(request);
        return Task.FromResult(_answer(request));
    }

    public static RestResponse Json(int status, string body) => new() { StatusCode = status, Body = body };
}
