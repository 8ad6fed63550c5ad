using System;
using System.Management.Automation;
using System.Security;
using AcmePS.Core.Plugins;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>
    /// Publishes dns-01 answers by DNS UPDATE (RFC 2136) signed with a TSIG key: BIND, Knot, PowerDNS, Windows DNS with
    /// a TSIG-capable front end. Each value is added to the record set; the other values stay.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "AcmeRfc2136Challenge")]
    [OutputType(typeof(AcmeChallenge))]
    [AcmeChallengeType("dns-01")]
    public sealed class PublishAcmeRfc2136ChallengeCommand : Rfc2136PluginCmdlet
    {
        protected override void ProcessRecord()
        {
            Core.Plugins.Rfc2136Client client = null;
            foreach (var challenge in Challenge)
            {
                if (challenge.Status == "valid")
                {
                    WriteObject(challenge);
                    continue;
                }
                try
                {
                    CheckDns01(challenge);
                    client = client ?? NewClient();
                    string written = Run(ct => client.AddTxtAsync(challenge.RecordName, challenge.RecordValue, Ttl, ct));
                    WriteVerbose($"Added a TXT value at {written} on {client.Server} for {challenge.Identifier}.");
                    challenge.DnsServers = new[] { client.Server };
                    WriteObject(challenge.MarkPublished(this));
                }
                catch (Exception ex) when (IsReportable(ex))
                {
                    WriteAcmeError(ex, challenge.Identifier);
                }
            }
        }
    }
}
