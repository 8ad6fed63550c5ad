using System;

namespace AcmePS.Core.Workflow
{
    /// <summary>A challenge of a pending authorization, with everything a plugin needs to publish its answer.</summary>
    public sealed class PendingChallenge
    {
        public string OrderName { get; set; }
        public string ServerId { get; set; }
        public string AccountId { get; set; }
        /// <summary>The name as the order has it ("*.example.com" for a wildcard).</summary>
        public string Identifier { get; set; }
        public string Type { get; set; }
        public string Token { get; set; }
        public string KeyAuthorization { get; set; }
        public Uri Url { get; set; }
        public Uri AuthorizationUrl { get; set; }
        public string Status { get; set; }
        public string RecordName { get; set; }
        public string RecordValue { get; set; }
        public string HttpPath { get; set; }
        public string HttpContent { get; set; }
        /// <summary>dns-01: the DNS servers (host[:port]) the plugin published to, which the propagation check asks.</summary>
        public string[] DnsServers { get; set; }
    }
}
