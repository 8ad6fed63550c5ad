using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;

namespace AcmePS.Completers
{
    /// <summary>Plugin names: every X with a Publish-AcmeXChallenge command in the session (any module, or a function).</summary>
    public sealed class PluginCompleter : IArgumentCompleter
    {
        private static readonly Regex PublishName = new Regex("^Publish-Acme(?<name>.+)Challenge$", RegexOptions.IgnoreCase);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            List<string> names;
            try
            {
                using (var ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
                {
                    ps.AddCommand("Get-Command").AddParameter("Name", "Publish-Acme*Challenge").AddParameter("ErrorAction", "Ignore");
                    names = ps.Invoke().Select(o => (o.BaseObject as CommandInfo)?.Name).Where(n => n != null)
                        .Select(n => PublishName.Match(n)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();
                }
            }
            catch (Exception)
            {
                return Enumerable.Empty<CompletionResult>();
            }
            return VaultCompleter.Results(wordToComplete, names, name => $"Publish-Acme{name}Challenge");
        }
    }
}
