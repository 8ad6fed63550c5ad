using System;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;

namespace AcmePS.Core.Protocol
{
    /// <summary>A renewalInfo answer (RFC 9773 §4.2): the suggested window, an explanation, and when to ask again.</summary>
    public sealed class RenewalInfoResource
    {
        [JsonProperty("suggestedWindow")] public RenewalWindow SuggestedWindow { get; set; }
        [JsonProperty("explanationURL")] public Uri ExplanationUrl { get; set; }
        [JsonIgnore] public TimeSpan? RetryAfter { get; set; }
    }

    public sealed class RenewalWindow
    {
        [JsonProperty("start")] public DateTimeOffset Start { get; set; }
        [JsonProperty("end")] public DateTimeOffset End { get; set; }
    }

    public sealed partial class AcmeClient
    {
        /// <summary>
        /// The CA's renewal window for a certificate (an unauthenticated GET of renewalInfo/&lt;certificate id&gt;), or null
        /// when the CA's directory has no renewalInfo (it does not offer ARI).
        /// </summary>
        public async Task<RenewalInfoResource> GetRenewalInfoAsync(string certificateId, CancellationToken cancellationToken)
        {
            var directory = await GetDirectoryAsync(cancellationToken).ConfigureAwait(false);
            if (directory.RenewalInfo == null) return null;
            var url = new Uri(directory.RenewalInfo.AbsoluteUri.TrimEnd('/') + "/" + certificateId);
            var response = await GetAsync(url, cancellationToken).ConfigureAwait(false);
            var info = ParseJson<RenewalInfoResource>(response, url);
            var window = info.SuggestedWindow;
            if (window == null || window.End < window.Start)
                throw new AcmeException("AcmeServerResponseInvalid", AcmeErrorKind.InvalidData,
                    $"{url} answered without a valid suggestedWindow (start before end).") { Target = url };
            info.RetryAfter = response.RetryAfter;
            return info;
        }

        /// <summary>True when the CA's directory offers renewalInfo (ARI), and so accepts "replaces" in newOrder.</summary>
        public async Task<bool> SupportsRenewalInfoAsync(CancellationToken cancellationToken) =>
            (await GetDirectoryAsync(cancellationToken).ConfigureAwait(false)).RenewalInfo != null;
    }
}
