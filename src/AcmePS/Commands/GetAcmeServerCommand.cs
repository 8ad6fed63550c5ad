using System;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Completers;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Commands
{
    /// <summary>Lists the servers in the vault; with -Name, the one that matches (wildcards allowed).</summary>
    [Cmdlet(VerbsCommon.Get, "AcmeServer")]
    [OutputType(typeof(AcmeServer))]
    public sealed class GetAcmeServerCommand : AcmeCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ServerCompleter))]
        public string Name { get; set; }

        /// <summary>Only the vault's default server.</summary>
        [Parameter]
        public SwitchParameter Default { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                string defaultId = Vault.Config.DefaultServer;
                var pattern = WildcardPattern.Get(Name ?? "*", WildcardOptions.IgnoreCase);
                var servers = Vault.Servers()
                    .Where(s => pattern.IsMatch(s.Name) || pattern.IsMatch(s.Id) || pattern.IsMatch(s.DirectoryUrl?.AbsoluteUri ?? ""))
                    .Where(s => !Default || s.Id == defaultId)
                    .ToList();
                if (servers.Count == 0 && Name != null && !WildcardPattern.ContainsWildcardCharacters(Name))
                    throw new AcmeException("AcmeServerNotFound", AcmeErrorKind.NotFound, $"The server '{Name}' is not in the vault.") { Target = Name };
                foreach (var server in servers) WriteObject(AcmeServer.From(server, defaultId));
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name);
            }
        }
    }
}
