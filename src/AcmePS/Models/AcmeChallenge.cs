using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using AcmePS.Core.Workflow;

namespace AcmePS.Models
{
    /// <summary>
    /// A challenge to answer, as plugins receive it from the pipeline. A plugin publishes
    /// <see cref="RecordName"/>/<see cref="RecordValue"/> (dns-01) or <see cref="HttpPath"/>/<see cref="HttpContent"/>
    /// (http-01), calls <see cref="MarkPublished"/> and writes the object back out.
    /// </summary>
    public sealed class AcmeChallenge
    {
        private static readonly Regex PublishCommand = new Regex("^Publish-Acme(?<name>.+)Challenge$", RegexOptions.IgnoreCase);

        public string Identifier { get; set; }
        public string Type { get; set; }
        public string Token { get; set; }
        public string KeyAuthorization { get; set; }
        public Uri Url { get; set; }
        public string Status { get; set; }
        public string OrderName { get; set; }
        public string RecordName { get; set; }
        public string RecordValue { get; set; }
        public string HttpPath { get; set; }
        public string HttpContent { get; set; }
        public Uri AuthorizationUrl { get; set; }
        public string Server { get; set; }
        public string AccountId { get; set; }
        /// <summary>
        /// dns-01: the DNS servers (host or host:port) the plugin published to. Set by the plugin; the propagation check
        /// asks these servers when the user named none (-DnsServer), and the zone's authoritative servers when empty.
        /// </summary>
        public string[] DnsServers { get; set; }
        /// <summary>The plugin that published the answer; Submit-AcmeChallenge removes it through that plugin.</summary>
        public string PublishedBy { get; set; }
        /// <summary>
        /// The parameters the plugin was called with, for its Unpublish command. Internal: they may hold secrets (API
        /// tokens, TSIG keys), and a public property would go wherever the object goes (ConvertTo-Json, Export-Clixml, jobs).
        /// </summary>
        internal Hashtable PluginParameters { get; set; }

        /// <summary>True once the plugin's Unpublish command has run for this challenge without an error.</summary>
        internal bool Unpublished { get; set; }

        /// <summary>
        /// Records which plugin published this challenge and with what parameters. A plugin calls it with its own
        /// $PSCmdlet; the name comes from the command name (Publish-Acme&lt;Name&gt;Challenge).
        /// </summary>
        public AcmeChallenge MarkPublished(PSCmdlet publisher)
        {
            if (publisher == null) throw new ArgumentNullException(nameof(publisher));
            var match = PublishCommand.Match(publisher.MyInvocation.MyCommand.Name);
            if (!match.Success)
                throw new ArgumentException($"'{publisher.MyInvocation.MyCommand.Name}' is not named Publish-Acme<Name>Challenge.", nameof(publisher));
            var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in publisher.MyInvocation.BoundParameters.Where(p => !IsCommon(p.Key)))
                parameters[pair.Key] = pair.Value;
            return MarkPublished(match.Groups["name"].Value, parameters);
        }

        public AcmeChallenge MarkPublished(string plugin, Hashtable parameters)
        {
            PublishedBy = plugin;
            PluginParameters = parameters ?? new Hashtable();
            return this;
        }

        private static bool IsCommon(string name) =>
            string.Equals(name, "Challenge", StringComparison.OrdinalIgnoreCase)
            || PSCmdlet.CommonParameters.Contains(name, StringComparer.OrdinalIgnoreCase)
            || PSCmdlet.OptionalCommonParameters.Contains(name, StringComparer.OrdinalIgnoreCase);

        internal static AcmeChallenge From(PendingChallenge c) => new AcmeChallenge
        {
            Identifier = c.Identifier,
            Type = c.Type,
            Token = c.Token,
            KeyAuthorization = c.KeyAuthorization,
            Url = c.Url,
            Status = c.Status,
            OrderName = c.OrderName,
            RecordName = c.RecordName,
            RecordValue = c.RecordValue,
            HttpPath = c.HttpPath,
            HttpContent = c.HttpContent,
            AuthorizationUrl = c.AuthorizationUrl,
            Server = c.ServerId,
            AccountId = c.AccountId,
            DnsServers = c.DnsServers,
        };

        internal PendingChallenge ToPending() => new PendingChallenge
        {
            Identifier = Identifier,
            Type = Type,
            Token = Token,
            KeyAuthorization = KeyAuthorization,
            Url = Url,
            Status = Status,
            OrderName = OrderName,
            RecordName = RecordName,
            RecordValue = RecordValue,
            HttpPath = HttpPath,
            HttpContent = HttpContent,
            AuthorizationUrl = AuthorizationUrl,
            ServerId = Server,
            AccountId = AccountId,
            DnsServers = DnsServers,
        };

        public override string ToString() => $"{Type} {Identifier}";
    }
}
