using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;

namespace AcmePS.Completers
{
    /// <summary>
    /// The base of the completers that read the vault: wildcard matching on what was typed, quoting where needed,
    /// and never an exception (a broken vault must not break Tab).
    /// </summary>
    public abstract class VaultCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            List<string> candidates;
            try
            {
                candidates = Candidates(AcmeVault.OpenDefault(), fakeBoundParameters).ToList();
            }
            catch (Exception)
            {
                return Enumerable.Empty<CompletionResult>();
            }
            return Results(wordToComplete, candidates, value => value);
        }

        /// <summary>The candidates that start with what was typed (wildcards allowed), sorted, each once, quoted where needed.</summary>
        internal static IEnumerable<CompletionResult> Results(string wordToComplete, IEnumerable<string> candidates, Func<string, string> tooltip)
        {
            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
            return candidates.Where(c => c != null && pattern.IsMatch(c)).Distinct(StringComparer.OrdinalIgnoreCase)
                .OrderBy(c => c, StringComparer.OrdinalIgnoreCase)
                .Select(value => new CompletionResult(Quote(value), value, CompletionResultType.ParameterValue, tooltip(value)))
                .ToList();
        }

        protected abstract IEnumerable<string> Candidates(AcmeVault vault, IDictionary boundParameters);

        protected static string Bound(IDictionary parameters, string name) =>
            parameters != null && parameters.Contains(name) ? parameters[name]?.ToString() : null;

        /// <summary>The session for what is bound so far (-Server, -Account), or null when there is none yet.</summary>
        protected static AcmeSession Session(AcmeVault vault, IDictionary parameters)
        {
            try
            {
                return AcmeSession.Open(vault, Bound(parameters, "Server"), Bound(parameters, "Account"));
            }
            catch (Core.AcmeException)
            {
                return null;
            }
        }

        internal static string Quote(string value) =>
            value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '@', '&', '#', '|', '*', '!' }) >= 0
                ? "'" + value.Replace("'", "''") + "'"
                : value;
    }

    /// <summary>Server names and directory URLs in the vault, and the CAs AcmePS knows by name.</summary>
    public sealed class ServerCompleter : VaultCompleter
    {
        protected override IEnumerable<string> Candidates(AcmeVault vault, IDictionary boundParameters) =>
            vault.Servers().Select(s => s.Name).Concat(KnownServers.Directories.Keys);
    }

    /// <summary>Account ids of the server bound so far (or the default server).</summary>
    public sealed class AccountCompleter : VaultCompleter
    {
        protected override IEnumerable<string> Candidates(AcmeVault vault, IDictionary boundParameters)
        {
            var server = AcmeSession.FindServer(vault, Bound(boundParameters, "Server"));
            return vault.Accounts(server.Id).Select(a => a.Id);
        }
    }

    /// <summary>Order names of the account bound so far (or the default one).</summary>
    public sealed class OrderNameCompleter : VaultCompleter
    {
        protected override IEnumerable<string> Candidates(AcmeVault vault, IDictionary boundParameters)
        {
            var session = Session(vault, boundParameters);
            return session == null ? Enumerable.Empty<string>() : OrderOperations.List(session).Select(o => o.Name);
        }
    }

    /// <summary>Names of orders that hold a certificate.</summary>
    public sealed class CertificateNameCompleter : VaultCompleter
    {
        protected override IEnumerable<string> Candidates(AcmeVault vault, IDictionary boundParameters)
        {
            var session = Session(vault, boundParameters);
            return session == null ? Enumerable.Empty<string>() : OrderOperations.List(session).Where(o => o.Certificate != null).Select(o => o.Name);
        }
    }
}
