using System;
using System.Collections.Generic;
using AcmePS.Core.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core
{
    /// <summary>An identifier in an order or authorization: {"type": "dns"|"ip", "value": …}.</summary>
    public sealed class AcmeIdentifier
    {
        public AcmeIdentifier() { }

        public AcmeIdentifier(string type, string value)
        {
            Type = type;
            Value = value;
        }

        [JsonProperty("type")] public string Type { get; set; }
        [JsonProperty("value")] public string Value { get; set; }

        public override string ToString() => Value;
    }

    /// <summary>The directory (RFC 8555 §7.1.1). Unknown members stay in <see cref="Raw"/>.</summary>
    public sealed class AcmeDirectory
    {
        [JsonProperty("newNonce")] public Uri NewNonce { get; set; }
        [JsonProperty("newAccount")] public Uri NewAccount { get; set; }
        [JsonProperty("newOrder")] public Uri NewOrder { get; set; }
        [JsonProperty("newAuthz")] public Uri NewAuthz { get; set; }
        [JsonProperty("revokeCert")] public Uri RevokeCert { get; set; }
        [JsonProperty("keyChange")] public Uri KeyChange { get; set; }
        [JsonProperty("renewalInfo")] public Uri RenewalInfo { get; set; }
        [JsonProperty("meta")] public AcmeDirectoryMeta Meta { get; set; } = new AcmeDirectoryMeta();
        [JsonIgnore] public JObject Raw { get; set; }
    }

    public sealed class AcmeDirectoryMeta
    {
        [JsonProperty("termsOfService")] public string TermsOfService { get; set; }
        [JsonProperty("website")] public string Website { get; set; }
        [JsonProperty("caaIdentities")] public List<string> CaaIdentities { get; set; } = new List<string>();
        [JsonProperty("externalAccountRequired")] public bool ExternalAccountRequired { get; set; }
        [JsonProperty("profiles")] public Dictionary<string, string> Profiles { get; set; } = new Dictionary<string, string>();
    }

    public sealed class AcmeAccountResource
    {
        [JsonProperty("status")] public string Status { get; set; }
        [JsonProperty("contact")] public List<string> Contact { get; set; } = new List<string>();
        [JsonProperty("orders")] public Uri Orders { get; set; }
        [JsonProperty("termsOfServiceAgreed")] public bool? TermsOfServiceAgreed { get; set; }
        [JsonIgnore] public Uri Location { get; set; }
    }

    public sealed class AcmeOrderResource
    {
        [JsonProperty("status")] public string Status { get; set; }
        [JsonProperty("expires")] public DateTimeOffset? Expires { get; set; }
        [JsonProperty("identifiers")] public List<AcmeIdentifier> Identifiers { get; set; } = new List<AcmeIdentifier>();
        [JsonProperty("notBefore")] public DateTimeOffset? NotBefore { get; set; }
        [JsonProperty("notAfter")] public DateTimeOffset? NotAfter { get; set; }
        [JsonProperty("authorizations")] public List<Uri> Authorizations { get; set; } = new List<Uri>();
        [JsonProperty("finalize")] public Uri Finalize { get; set; }
        [JsonProperty("certificate")] public Uri Certificate { get; set; }
        [JsonProperty("error")] public AcmeProblem Error { get; set; }
        [JsonProperty("profile")] public string Profile { get; set; }
        [JsonIgnore] public Uri Location { get; set; }
        [JsonIgnore] public TimeSpan? RetryAfter { get; set; }
    }

    public sealed class AcmeAuthorizationResource
    {
        [JsonProperty("identifier")] public AcmeIdentifier Identifier { get; set; }
        [JsonProperty("status")] public string Status { get; set; }
        [JsonProperty("expires")] public DateTimeOffset? Expires { get; set; }
        [JsonProperty("challenges")] public List<AcmeChallengeResource> Challenges { get; set; } = new List<AcmeChallengeResource>();
        [JsonProperty("wildcard")] public bool Wildcard { get; set; }
        [JsonIgnore] public Uri Location { get; set; }
        [JsonIgnore] public TimeSpan? RetryAfter { get; set; }

        /// <summary>The name as the order asked for it: a wildcard authorization is for "*.name".</summary>
        [JsonIgnore] public string OrderIdentifier => Wildcard ? "*." + Identifier?.Value : Identifier?.Value;
    }

    public sealed class AcmeChallengeResource
    {
        [JsonProperty("type")] public string Type { get; set; }
        [JsonProperty("url")] public Uri Url { get; set; }
        [JsonProperty("status")] public string Status { get; set; }
        [JsonProperty("token")] public string Token { get; set; }
        [JsonProperty("validated")] public DateTimeOffset? Validated { get; set; }
        [JsonProperty("error")] public AcmeProblem Error { get; set; }
        /// <summary>dns-persist-01: the issuer domain names the CA accepts in the TXT record.</summary>
        [JsonProperty("issuer-domain-names")] public List<string> IssuerDomainNames { get; set; } = new List<string>();
    }

    /// <summary>Status names of RFC 8555 §7.1.6.</summary>
    public static class AcmeStatus
    {
        public const string Pending = "pending";
        public const string Ready = "ready";
        public const string Processing = "processing";
        public const string Valid = "valid";
        public const string Invalid = "invalid";
        public const string Deactivated = "deactivated";
        public const string Expired = "expired";
        public const string Revoked = "revoked";
    }
}
