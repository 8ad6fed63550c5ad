using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>
    /// A DNS-provider (or HTTP) plugin: the commands Publish-Acme&lt;Name&gt;Challenge and Unpublish-Acme&lt;Name&gt;Challenge,
    /// binary or script, from any module, found by name and called through the pipeline with challenge objects.
    /// </summary>
    internal sealed class PluginCommands
    {
        private static readonly ScriptBlock PipeInto = ScriptBlock.Create("param($__challenges, $__command, $__parameters) $__challenges | & $__command @__parameters");

        private PluginCommands(string name, CommandInfo publish, CommandInfo unpublish)
        {
            Name = name;
            Publish = publish;
            Unpublish = unpublish;
        }

        public string Name { get; }

        public CommandInfo Publish { get; }

        public CommandInfo Unpublish { get; }

        public static PluginCommands Resolve(PSCmdlet host, string name)
        {
            if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(new[] { '*', '?', ' ', '-' }) >= 0)
                throw new AcmeException("AcmePluginNameInvalid", AcmeErrorKind.InvalidArgument, $"'{name}' is not a plugin name (for example: ChallTestSrv).") { Target = name };
            var publish = Find(host, $"Publish-Acme{name}Challenge");
            var unpublish = Find(host, $"Unpublish-Acme{name}Challenge");
            if (publish == null || unpublish == null)
                throw new AcmeException("AcmePluginNotFound", AcmeErrorKind.NotFound,
                    $"No plugin '{name}': AcmePS looks for the commands Publish-Acme{name}Challenge and Unpublish-Acme{name}Challenge"
                    + " (import the module that has them, or define them as functions).") { Target = name };
            foreach (var command in new[] { publish, unpublish })
                if (!command.Parameters.ContainsKey("Challenge"))
                    throw new AcmeException("AcmePluginContractViolated", AcmeErrorKind.InvalidOperation,
                        $"{command.Name} has no parameter named Challenge that takes challenge objects from the pipeline.") { Target = name };
            return new PluginCommands(name, publish, unpublish);
        }

        private static CommandInfo Find(PSCmdlet host, string commandName) =>
            host.InvokeCommand.GetCommand(commandName, CommandTypes.Function | CommandTypes.Cmdlet | CommandTypes.Filter | CommandTypes.Alias);

        /// <summary>Publishes the challenges; returns those the plugin wrote back, marked as published by this plugin.</summary>
        public IReadOnlyList<AcmeChallenge> PublishAll(PSCmdlet host, IReadOnlyList<AcmeChallenge> challenges, Hashtable parameters)
        {
            var output = Invoke(host, Publish, challenges, parameters);
            var published = output.Select(o => o?.BaseObject).OfType<AcmeChallenge>().ToList();
            foreach (var challenge in published.Where(c => c.PublishedBy == null)) challenge.MarkPublished(Name, parameters);
            return published;
        }

        public void UnpublishAll(PSCmdlet host, IReadOnlyList<AcmeChallenge> challenges, Hashtable parameters) =>
            Invoke(host, Unpublish, challenges, parameters);

        private static IList<PSObject> Invoke(PSCmdlet host, CommandInfo command, IReadOnlyList<AcmeChallenge> challenges, Hashtable parameters)
        {
            var copy = new Hashtable(parameters ?? new Hashtable(), StringComparer.OrdinalIgnoreCase);
            copy.Remove("Challenge");
            return host.InvokeCommand.InvokeScript(false, PipeInto, null, challenges.ToArray(), command, copy);
        }
    }
}
