using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Completers;
using AcmePS.Core;
using AcmePS.Internal;
using AcmePS.Models;
using AcmePS.Plugins;

namespace AcmePS.Commands
{
    /// <summary>
    /// Lists the plugins found in the session: every Publish-Acme&lt;Name&gt;Challenge with its Unpublish-Acme&lt;Name&gt;Challenge,
    /// built in or from any loaded module, with their challenge types and parameters.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AcmePlugin")]
    [OutputType(typeof(AcmePlugin))]
    public sealed class GetAcmePluginCommand : AcmeCmdlet
    {
        private const CommandTypes Types = CommandTypes.Function | CommandTypes.Cmdlet | CommandTypes.Filter | CommandTypes.Alias;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(PluginCompleter))]
        public string Name { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var pattern = WildcardPattern.Get(Name ?? "*", WildcardOptions.IgnoreCase);
                var found = new List<AcmePlugin>();
                foreach (var publish in InvokeCommand.GetCommands("Publish-Acme*Challenge", Types, true).Where(c => c.Name.Length > "Publish-AcmeChallenge".Length))
                {
                    string name = publish.Name.Substring("Publish-Acme".Length, publish.Name.Length - "Publish-AcmeChallenge".Length);
                    if (!pattern.IsMatch(name) || found.Any(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))) continue;
                    var unpublish = InvokeCommand.GetCommand($"Unpublish-Acme{name}Challenge", Types);
                    if (unpublish == null) continue;
                    found.Add(Describe(name, Resolve(publish), unpublish));
                }
                if (found.Count == 0 && Name != null && !WildcardPattern.ContainsWildcardCharacters(Name))
                    throw new AcmeException("AcmePluginNotFound", AcmeErrorKind.NotFound,
                        $"No plugin '{Name}': AcmePS looks for the commands Publish-Acme{Name}Challenge and Unpublish-Acme{Name}Challenge.") { Target = Name };
                foreach (var plugin in found.OrderBy(p => p.BuiltIn ? 0 : 1).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase)) WriteObject(plugin);
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                WriteAcmeError(ex, Name);
            }
        }

        private static CommandInfo Resolve(CommandInfo command) => command is AliasInfo alias && alias.ResolvedCommand != null ? alias.ResolvedCommand : command;

        private static AcmePlugin Describe(string name, CommandInfo publish, CommandInfo unpublish)
        {
            var parameters = publish.Parameters ?? new Dictionary<string, ParameterMetadata>();
            parameters.TryGetValue("Challenge", out var challenge);
            var types = (publish as CmdletInfo)?.ImplementingType?.GetCustomAttributes(typeof(AcmeChallengeTypeAttribute), true).OfType<AcmeChallengeTypeAttribute>().FirstOrDefault()
                        ?? challenge?.Attributes.OfType<AcmeChallengeTypeAttribute>().FirstOrDefault();
            return new AcmePlugin
            {
                Name = name,
                ChallengeTypes = types?.Types ?? new string[0],
                Parameters = parameters.Values
                    .Where(p => !string.Equals(p.Name, "Challenge", StringComparison.OrdinalIgnoreCase))
                    .Where(p => !Cmdlet.CommonParameters.Contains(p.Name) && !Cmdlet.OptionalCommonParameters.Contains(p.Name))
                    .Select(p => new AcmePluginParameter
                    {
                        Name = p.Name,
                        Type = p.ParameterType?.Name ?? "Object",
                        Mandatory = p.ParameterSets.Count > 0 && p.ParameterSets.Values.All(s => s.IsMandatory),
                    }).ToArray(),
                BuiltIn = publish.Module != null && string.Equals(publish.Module.Name, "AcmePS", StringComparison.OrdinalIgnoreCase)
                          || publish.ModuleName == "AcmePS",
                Module = publish.ModuleName ?? "",
                PublishCommand = publish.Name,
                UnpublishCommand = unpublish.Name,
            };
        }
    }
}
