using System;
using System.Collections.Generic;
using AcmePS.Core.Protocol;
using Newtonsoft.Json;

namespace AcmePS.Core.Vault
{
    /// <summary>
    /// vault.json: the schema version and the user's defaults. Schema 1: secret files in plaintext. Schema 2: the
    /// vault has protection.json and its secret files are encrypted (unless its protection is None).
    /// </summary>
    public sealed class VaultConfig
    {
        public const int CurrentSchema = 2;

        [JsonProperty("schemaVersion")] public int SchemaVersion { get; set; } = CurrentSchema;
        [JsonProperty("defaultServer")] public string DefaultServer { get; set; }
    }

    /// <summary>servers/&lt;id&gt;/server.json</summary>
    public sealed class ServerRecord
    {
        [JsonProperty("id")] public string Id { get; set; }
        [JsonProperty("name")] public string Name { get; set; }
        [JsonProperty("directoryUrl")] public Uri DirectoryUrl { get; set; }
        [JsonProperty("trustedRootPem")] public string TrustedRootPem { get; set; }
        [JsonProperty("defaultAccount")] public string DefaultAccount { get; set; }
        [JsonProperty("termsOfService")] public string TermsOfService { get; set; }
        [JsonProperty("externalAccountRequired")] public bool ExternalAccountRequired { get; set; }
        [JsonProperty("created")] public DateTimeOffset Created { get; set; }
    }

    /// <summary>servers/&lt;id&gt;/directory.json: the CA's directory, so a new process need not read it again.</summary>
    public sealed class DirectoryCache
    {
        [JsonProperty("fetched")] public DateTimeOffset Fetched { get; set; }
        [JsonProperty("directory")] public Newtonsoft.Json.Linq.JObject Directory { get; set; }
    }

    /// <summary>servers/&lt;id&gt;/accounts/&lt;id&gt;/account.json (the key is account.key beside it).</summary>
    public sealed class AccountRecord
    {
        [JsonProperty("id")] public string Id { get; set; }
        [JsonProperty("serverId")] public string ServerId { get; set; }
        [JsonProperty("url")] public Uri Url { get; set; }
        [JsonProperty("status")] public string Status { get; set; }
        [JsonProperty("contact")] public List<string> Contact { get; set; } = new List<string>();
        [JsonProperty("keyType")] public string KeyType { get; set; }
        [JsonProperty("created")] public DateTimeOffset Created { get; set; }
    }

    /// <summary>…/orders/&lt;name&gt;/order.json: the order as the CA last described it, and the certificate it gave.</summary>
    public sealed class OrderRecord
    {
        [JsonProperty("name")] public string Name { get; set; }
        [JsonProperty("serverId")] public string ServerId { get; set; }
        [JsonProperty("accountId")] public string AccountId { get; set; }
        [JsonProperty("url")] public Uri Url { get; set; }
        [JsonProperty("status")] public string Status { get; set; }
        [JsonProperty("dnsNames")] public List<string> DnsNames { get; set; } = new List<string>();
        [JsonProperty("ipAddresses")] public List<string> IpAddresses { get; set; } = new List<string>();
        [JsonProperty("authorizations")] public List<Uri> Authorizations { get; set; } = new List<Uri>();
        [JsonProperty("finalize")] public Uri Finalize { get; set; }
        [JsonProperty("certificateUrl")] public Uri CertificateUrl { get; set; }
        [JsonProperty("expires")] public DateTimeOffset? Expires { get; set; }
        [JsonProperty("error")] public AcmeProblem Error { get; set; }
        [JsonProperty("keyType")] public string KeyType { get; set; }
        /// <summary>The issuer common name whose chain is the default one, when the CA offers several.</summary>
        [JsonProperty("preferredChain")] public string PreferredChain { get; set; }
        /// <summary>Each new certificate of this name keeps the current certificate's key (-ReuseKey), renewals too.</summary>
        [JsonProperty("reuseKey", DefaultValueHandling = DefaultValueHandling.Ignore)] public bool ReuseKey { get; set; }
        [JsonProperty("created")] public DateTimeOffset Created { get; set; }
        [JsonProperty("updated")] public DateTimeOffset Updated { get; set; }
        [JsonProperty("certificate")] public CertificateRecord Certificate { get; set; }
        /// <summary>The profile asked for (and kept by renewals); the CA's echo when it sent one.</summary>
        [JsonProperty("profile")] public string Profile { get; set; }
        /// <summary>The validity asked for with -NotAfter (notAfter - notBefore); renewals ask for the same.</summary>
        [JsonProperty("requestedLifetime")] public TimeSpan? RequestedLifetime { get; set; }
        /// <summary>The ARI certificate id this order was asked to replace ("replaces"), if any.</summary>
        [JsonProperty("replaces")] public string Replaces { get; set; }
        /// <summary>The renewal window last read for the certificate, and the renewal time chosen in it.</summary>
        [JsonProperty("renewal")] public RenewalRecord Renewal { get; set; }
    }

    /// <summary>What the vault knows of an issued certificate; the PEM files sit beside order.json.</summary>
    public sealed class CertificateRecord
    {
        [JsonProperty("thumbprint")] public string Thumbprint { get; set; }
        [JsonProperty("serialNumber")] public string SerialNumber { get; set; }
        [JsonProperty("subject")] public string Subject { get; set; }
        [JsonProperty("issuer")] public string Issuer { get; set; }
        [JsonProperty("notBefore")] public DateTimeOffset NotBefore { get; set; }
        [JsonProperty("notAfter")] public DateTimeOffset NotAfter { get; set; }
        [JsonProperty("dnsNames")] public List<string> DnsNames { get; set; } = new List<string>();
        /// <summary>
        /// The certificate's key file beside order.json (cert-&lt;id&gt;.key); null in a vault of schema 1, where it is
        /// cert.key when that exists. A certificate from the user's own CSR has no key in the vault.
        /// </summary>
        [JsonProperty("keyFile")] public string KeyFile { get; set; }
        /// <summary>
        /// Chain files: [0] is the default chain, then each alternate. Each certificate has files of its own
        /// (cert-&lt;id&gt;.pem, chain-&lt;id&gt;-N.pem; cert.pem and chain-N.pem in schema 1): order.json, written last,
        /// switches from one certificate to the next in one atomic write.
        /// </summary>
        [JsonProperty("chains")] public List<ChainRecord> Chains { get; set; } = new List<ChainRecord>();
        [JsonProperty("issued")] public DateTimeOffset Issued { get; set; }
        [JsonProperty("revoked")] public DateTimeOffset? Revoked { get; set; }
        [JsonProperty("revocationReason")] public string RevocationReason { get; set; }
    }

    public sealed class ChainRecord
    {
        [JsonProperty("file")] public string File { get; set; }
        /// <summary>The common name of the chain's top issuer, for choosing a preferred chain.</summary>
        [JsonProperty("rootIssuer")] public string RootIssuer { get; set; }
        /// <summary>The common names of every issuer in the chain, leaf's issuer first.</summary>
        [JsonProperty("issuers")] public List<string> Issuers { get; set; } = new List<string>();
    }
}
