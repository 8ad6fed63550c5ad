using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Internal;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>
    /// A DNS-provider (or HTTP) plugin: the commands Publish-Acme&lt;Name&gt;Challenge and Unpublish-Acme&lt;Name&gt;Challenge,
    /// binary or script, from any module, found by name and called through the pipeline with challenge objects.
    /// Their errors come back to the calling cmdlet (2&gt;&amp;1), so -ErrorAction and -ErrorVariable work on them.
    /// </summary>
    internal sealed class PluginCommands
    {
        // The plugin runs with -ErrorAction Continue (and, for a plain function, ErrorActionPreference Continue in a
        // scope of its own): its errors come back as records (2>&1), and the calling cmdlet writes them under the
        // caller's own -ErrorAction, after it has cleaned up.
        private static readonly ScriptBlock PipeInto = ScriptBlock.Create(
            "param($__challenges, $__command, $__parameters) $ErrorActionPreference = 'Continue'; $__challenges | & $__command @__parameters 2>&1");

        // Unpublish runs in a finally block: PowerShell runs finally blocks even in a pipeline that is stopping (Ctrl+C),
        // so the records are removed at once when the user stops a command. (Should it not get to run, the vault's
        // cleanup record has the next command remove them; see PublishGuard.)
        private static readonly ScriptBlock PipeIntoEvenWhenStopping = ScriptBlock.Create(
            "param($__challenges, $__command, $__parameters) try { } finally { $ErrorActionPreference = 'Continue'; $__challenges | & $__command @__parameters 2>&1 }");

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

        /// <summary>
        /// Checks -PluginParameters against both commands before anything happens at the CA: every key is a parameter
        /// of each command, and each command's mandatory parameters are there (else PowerShell would prompt for them).
        /// </summary>
        public void CheckParameters(Hashtable parameters)
        {
            var given = (parameters ?? new Hashtable()).Keys.Cast<object>().Select(k => k.ToString()).ToList();
            foreach (var command in new[] { Publish, Unpublish })
            {
                var known = command.Parameters.Values.SelectMany(p => new[] { p.Name }.Concat(p.Aliases)).ToList();
                var unknown = given.Where(g => !known.Contains(g, StringComparer.OrdinalIgnoreCase)).ToList();
                if (unknown.Count > 0)
                    throw ParameterError(command, $"has no parameter {string.Join(", ", unknown.Select(u => "-" + u))}");
                var missing = command.Parameters.Values
                    .Where(p => !string.Equals(p.Name, "Challenge", StringComparison.OrdinalIgnoreCase))
                    .Where(p => p.ParameterSets.Count > 0 && p.ParameterSets.Values.All(s => s.IsMandatory))
                    .Where(p => !given.Any(g => new[] { p.Name }.Concat(p.Aliases).Contains(g, StringComparer.OrdinalIgnoreCase)))
                    .Select(p => "-" + p.Name).ToList();
                if (missing.Count > 0)
                    throw ParameterError(command, $"needs {string.Join(", ", missing)} in -PluginParameters");
            }
        }

        private AcmeException ParameterError(CommandInfo command, string what) =>
            new AcmeException("AcmePluginParameterInvalid", AcmeErrorKind.InvalidArgument, $"The {Name} plugin's {command.Name} {what}.") { Target = Name };

        /// <summary>
        /// Publishes the challenges and returns those the plugin wrote back, marked as published by this plugin
        /// (except those already valid). The plugin's own errors are added to <paramref name="errors"/>: the caller
        /// writes them once it has cleaned up, since under -ErrorAction Stop the first one ends the command.
        /// </summary>
        public IReadOnlyList<AcmeChallenge> PublishAll(AcmeCmdlet host, IReadOnlyList<AcmeChallenge> challenges, Hashtable parameters,
            List<ErrorRecord> errors)
        {
            List<object> output;
            try
            {
                output = Invoke(host, Publish, challenges, parameters, errors.Add);
            }
            catch (PipelineStoppedException)
            {
                InProcessUnpublish.TryRun(Unpublish, challenges, parameters);
                throw;
            }
            var published = output.OfType<AcmeChallenge>().ToList();
            foreach (var challenge in published.Where(c => c.PublishedBy == null && c.Status != "valid")) challenge.MarkPublished(Name, parameters);
            return published;
        }

        /// <summary>Removes the records; the plugin's errors come back as one AcmePluginUnpublishFailed error.</summary>
        public void UnpublishAll(AcmeCmdlet host, IReadOnlyList<AcmeChallenge> challenges, Hashtable parameters)
        {
            var errors = new List<ErrorRecord>();
            try
            {
                Invoke(host, Unpublish, challenges, parameters, errors.Add, PipeIntoEvenWhenStopping);
            }
            catch (PipelineStoppedException)
            {
                // Even the nested pipeline could not run: remove what the in-process plugins serve without PowerShell.
                InProcessUnpublish.TryRun(Unpublish, challenges, parameters);
                throw;
            }
            if (errors.Count > 0)
                throw new AcmeException("AcmePluginUnpublishFailed", AcmeErrorKind.InvalidOperation,
                    $"The {Name} plugin could not remove the published answers for {string.Join(", ", challenges.Select(c => c.Identifier))}: "
                    + string.Join("; ", errors.Select(e => e.Exception?.Message ?? e.ToString()))) { Target = Name };
        }

        private static List<object> Invoke(AcmeCmdlet host, CommandInfo command, IReadOnlyList<AcmeChallenge> challenges, Hashtable parameters,
            Action<ErrorRecord> onError, ScriptBlock pipe = null)
        {
            var copy = new Hashtable(parameters ?? new Hashtable(), StringComparer.OrdinalIgnoreCase);
            copy.Remove("Challenge");
            if (command.Parameters.ContainsKey("ErrorAction")) copy["ErrorAction"] = ActionPreference.Continue;
            var result = new List<object>();
            System.Collections.Generic.IEnumerable<PSObject> items;
            if (host.Stopping && pipe != null)
            {
                // The stopping pipeline runs nothing more; a nested one in the same runspace still can.
                using (var nested = PowerShell.Create(RunspaceMode.CurrentRunspace))
                {
                    nested.AddScript(pipe.ToString()).AddArgument(challenges.ToArray()).AddArgument(command).AddArgument(copy);
                    items = nested.Invoke().ToList();
                    foreach (var e in nested.Streams.Error) onError(e);
                }
            }
            else items = host.InvokeCommand.InvokeScript(true, pipe ?? PipeInto, null, challenges.ToArray(), command, copy);
            foreach (var item in items)
            {
                object value = item?.BaseObject;
                if (value is ErrorRecord error) onError(error);
                else if (value != null) result.Add(value);
            }
            return result;
        }
    }
}
