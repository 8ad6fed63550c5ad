using System;
using Newtonsoft.Json;

namespace AcmePS.Core.Vault
{
    /// <summary>
    /// order.json "renewal": the CA's suggested window (ARI) for the order's current certificate, the renewal time
    /// chosen at random inside it (kept while the window stays the same), and when the CA may be asked again.
    /// </summary>
    public sealed class RenewalRecord
    {
        /// <summary>The ARI id of the certificate this is about; a new certificate starts a new record.</summary>
        [JsonProperty("certificateId")] public string CertificateId { get; set; }
        [JsonProperty("windowStart")] public DateTimeOffset? WindowStart { get; set; }
        [JsonProperty("windowEnd")] public DateTimeOffset? WindowEnd { get; set; }
        [JsonProperty("renewAt")] public DateTimeOffset RenewAt { get; set; }
        [JsonProperty("explanationUrl")] public Uri ExplanationUrl { get; set; }
        [JsonProperty("checked")] public DateTimeOffset? Checked { get; set; }
        /// <summary>Checked + the CA's Retry-After: the renewal info is not asked for again before then.</summary>
        [JsonProperty("nextCheck")] public DateTimeOffset? NextCheck { get; set; }
    }
}
