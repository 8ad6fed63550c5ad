using AcmePS.Core.Http;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Tests.Fakes;

/// <summary>Answers for <see cref="FakeAcmeServer"/> scripts.</summary>
public static class Responses
{
    /// <summary>Put as ReplayNonce to send an answer without a Replay-Nonce header (otherwise the fake adds a fresh one).</summary>
    public const string NoNonce = "<none>";

    public static AcmeHttpResponse Json(int status, JToken body, Uri location = null, TimeSpan? retryAfter = null, string nonce = null) => new()
    {
        StatusCode = status,
        ContentType = "application/json",
        Body = body.ToString(Formatting.None),
        Location = location,
        RetryAfter = retryAfter,
        ReplayNonce = nonce,
    };

    public static AcmeHttpResponse Problem(int status, string shortType, string detail = "refused", TimeSpan? retryAfter = null, string nonce = null) => new()
    {
        StatusCode = status,
        ContentType = "application/problem+json",
        Body = new JObject
        {
            ["type"] = "urn:ietf:params:acme:error:" + shortType,
            ["detail"] = detail,
            ["status"] = status,
        }.ToString(Formatting.None),
        RetryAfter = retryAfter,
        ReplayNonce = nonce,
    };

    /// <summary>The request reached the server (it is recorded) but no answer comes back.</summary>
    public static Responder Dropped(string why = "connection reset by peer") =>
        _ => throw new AcmeTransportException($"POST failed: {why}", new IOException(why));

    public static Responder Always(AcmeHttpResponse template) => _ => Copy(template);

    /// <summary>A fresh object each time, so the fake can give each its own nonce.</summary>
    public static AcmeHttpResponse Copy(AcmeHttpResponse r) => new()
    {
        StatusCode = r.StatusCode,
        ContentType = r.ContentType,
        Body = r.Body,
        Location = r.Location,
        RetryAfter = r.RetryAfter,
        ReplayNonce = r.ReplayNonce,
        Links = r.Links.ToList(),
    };
}
