using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Core.Plugins.PoshAcme;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>
    /// A Posh-ACME (4.x) plugin file, run unchanged: dot-sourced into a dynamic module of its own that exports nothing,
    /// so its functions and variables stay out of the caller's session. dns-01 plugins define Add-DnsTxt, Remove-DnsTxt
    /// and Save-DnsTxt (RecordName, TxtValue, their own parameters, and usually ExtraParams catching the rest);
    /// http-01 plugins define Add-HttpChallenge, Remove-HttpChallenge and Save-HttpChallenge (Domain, Token, Body).
    /// Each function is called with the arguments it declares and, when it has a ValueFromRemainingArguments parameter,
    /// the rest of the plugin arguments too, as Posh-ACME does.
    /// </summary>
    internal sealed class PoshAcmePlugin
    {
        // The module defines $script:UseBasic as Posh-ACME does (plugins splat it into Invoke-RestMethod), dot-sources
        // the file in its own scope, and hands back the functions it defined itself (not same-named ones of the session).
        private static readonly ScriptBlock LoadScript = ScriptBlock.Create(@"
param($__file)
$__module = New-Module -Name ('AcmePS.PoshAcme.' + [IO.Path]::GetFileNameWithoutExtension($__file)) -ArgumentList $__file -ScriptBlock {
    param($__pluginFile)
    $script:UseBasic = if ($PSVersionTable.PSEdition -eq 'Desktop') { @{ UseBasicParsing = $true } } else { @{} }
    . $__pluginFile
    Export-ModuleMember -Function @() -Variable @() -Alias @() -Cmdlet @()
}
& $__module {
    $own = $ExecutionContext.SessionState.Module
    $found = @{}
    foreach ($name in 'Get-CurrentPluginType', 'Add-DnsTxt', 'Remove-DnsTxt', 'Save-DnsTxt', 'Add-HttpChallenge', 'Remove-HttpChallenge', 'Save-HttpChallenge') {
        $f = Get-Command -Name $name -CommandType Function -ErrorAction Ignore | Where-Object { $_.Module -eq $own } | Select-Object -First 1
        if ($f) { $found[$name] = $f }
    }
    $found
}");

        private static readonly ScriptBlock CallScript = ScriptBlock.Create(
            "param($__function, $__arguments) $ErrorActionPreference = 'Continue'; & $__function @__arguments 2>&1");

        private readonly Dictionary<string, FunctionInfo> _functions;

        private PoshAcmePlugin(string file, string type, Dictionary<string, FunctionInfo> functions)
        {
            File = file;
            ChallengeType = type;
            _functions = functions;
        }

        public string File { get; }

        /// <summary>dns-01 or http-01.</summary>
        public string ChallengeType { get; }

        private bool IsDns => ChallengeType == "dns-01";

        /// <summary>Loads the plugin file; AcmePoshAcmePluginInvalid when it is not a Posh-ACME plugin AcmePS can run.</summary>
        public static PoshAcmePlugin Load(PSCmdlet host, string file)
        {
            Hashtable found;
            try
            {
                found = host.InvokeCommand.InvokeScript(true, LoadScript, null, file).Select(o => o?.BaseObject).OfType<Hashtable>().FirstOrDefault();
            }
            catch (RuntimeException ex)
            {
                throw Invalid(file, $"loading it failed: {ex.Message}", ex);
            }
            var functions = (found ?? new Hashtable()).Cast<DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (FunctionInfo)((e.Value as PSObject)?.BaseObject ?? e.Value), StringComparer.OrdinalIgnoreCase);

            string type = null;
            if (functions.TryGetValue("Get-CurrentPluginType", out FunctionInfo typeFunction))
                type = host.InvokeCommand.InvokeScript(true, typeFunction.ScriptBlock, null).Select(o => o?.BaseObject as string).FirstOrDefault(s => s != null);
            else if (functions.ContainsKey("Add-HttpChallenge") && !functions.ContainsKey("Add-DnsTxt"))
                type = "http-01";
            else
                type = "dns-01";
            if (type != "dns-01" && type != "http-01")
                throw Invalid(file, $"its Get-CurrentPluginType says '{type}'; AcmePS runs dns-01 and http-01 plugins");
            var required = type == "dns-01" ? new[] { "Add-DnsTxt", "Remove-DnsTxt" } : new[] { "Add-HttpChallenge", "Remove-HttpChallenge" };
            var missing = required.Where(r => !functions.ContainsKey(r)).ToList();
            if (missing.Count > 0)
                throw Invalid(file, $"it defines no function {string.Join(" or ", missing)} (a Posh-ACME 4 {type} plugin defines "
                    + (type == "dns-01" ? "Add-DnsTxt, Remove-DnsTxt and Save-DnsTxt" : "Add-HttpChallenge, Remove-HttpChallenge and Save-HttpChallenge") + ")");
            return new PoshAcmePlugin(file, type, functions);
        }

        private static AcmeException Invalid(string file, string why, Exception inner = null) =>
            new AcmeException("AcmePoshAcmePluginInvalid", AcmeErrorKind.InvalidData,
                $"'{file}' is not a Posh-ACME plugin AcmePS can run: {why}.", inner) { Target = file };

        /// <summary>Checks that the challenge is of the plugin's type; AcmePluginChallengeTypeUnsupported if not.</summary>
        public void CheckType(AcmeChallenge challenge)
        {
            if (challenge.Type != ChallengeType)
                throw new AcmeException("AcmePluginChallengeTypeUnsupported", AcmeErrorKind.InvalidArgument,
                    $"The Posh-ACME plugin '{File}' answers {ChallengeType} challenges, not {challenge.Type} (for {challenge.Identifier}).") { Target = challenge.Identifier };
        }

        /// <summary>Add-DnsTxt / Add-HttpChallenge for one challenge.</summary>
        public void Add(PSCmdlet host, AcmeChallenge challenge, Hashtable pluginArgs) =>
            Call(host, IsDns ? "Add-DnsTxt" : "Add-HttpChallenge", Fixed(challenge), pluginArgs);

        /// <summary>Remove-DnsTxt / Remove-HttpChallenge for one challenge.</summary>
        public void Remove(PSCmdlet host, AcmeChallenge challenge, Hashtable pluginArgs) =>
            Call(host, IsDns ? "Remove-DnsTxt" : "Remove-HttpChallenge", Fixed(challenge), pluginArgs);

        /// <summary>Save-DnsTxt / Save-HttpChallenge, once after the adds or the removes (when the plugin has one).</summary>
        public void Save(PSCmdlet host, Hashtable pluginArgs)
        {
            string name = IsDns ? "Save-DnsTxt" : "Save-HttpChallenge";
            if (_functions.ContainsKey(name)) Call(host, name, new Hashtable(), pluginArgs);
        }

        private Hashtable Fixed(AcmeChallenge c) => IsDns
            ? new Hashtable { ["RecordName"] = c.RecordName, ["TxtValue"] = c.RecordValue }
            : new Hashtable { ["Domain"] = c.Identifier, ["Token"] = c.Token, ["Body"] = c.HttpContent };

        /// <summary>
        /// Calls one plugin function. Its first error, or what it throws, comes back as AcmePoshAcmePluginFailed; the
        /// message names the function, never the argument values (API tokens).
        /// </summary>
        private void Call(PSCmdlet host, string name, Hashtable fixedArgs, Hashtable pluginArgs)
        {
            var function = _functions[name];
            var arguments = Arguments(function, fixedArgs, pluginArgs);
            List<ErrorRecord> errors;
            try
            {
                errors = host.InvokeCommand.InvokeScript(true, CallScript, null, function, arguments)
                    .Select(o => o?.BaseObject).OfType<ErrorRecord>().ToList();
            }
            catch (RuntimeException ex) when (!(ex is PipelineStoppedException))
            {
                throw Failed(name, ex.Message, ex);
            }
            if (errors.Count > 0) throw Failed(name, string.Join("; ", errors.Select(e => e.Exception?.Message ?? e.ToString())), errors[0].Exception);
        }

        private AcmeException Failed(string function, string message, Exception inner) =>
            new AcmeException("AcmePoshAcmePluginFailed", AcmeErrorKind.InvalidOperation,
                $"{function} of the Posh-ACME plugin '{File}' failed: {message}", inner) { Target = File };

        /// <summary>
        /// The fixed arguments plus the plugin arguments the function declares (by name or alias); the others only
        /// when it has a ValueFromRemainingArguments parameter (ExtraParams). AcmePoshAcmeArgumentMissing when no
        /// parameter set of the function has its mandatory parameters given, rather than let PowerShell prompt.
        /// </summary>
        internal static Hashtable Arguments(FunctionInfo function, Hashtable fixedArgs, Hashtable pluginArgs)
        {
            var declared = function.Parameters.Values;
            bool catchesRest = declared.Any(p => p.Attributes.OfType<ParameterAttribute>().Any(a => a.ValueFromRemainingArguments));
            var arguments = new Hashtable(fixedArgs, StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in pluginArgs ?? new Hashtable())
            {
                string key = entry.Key.ToString();
                if (arguments.ContainsKey(key)) continue;
                bool known = declared.Any(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase)
                                               || p.Aliases.Contains(key, StringComparer.OrdinalIgnoreCase));
                if (known || catchesRest) arguments[key] = entry.Value;
            }

            var given = arguments.Keys.Cast<object>().Select(k => k.ToString()).ToList();
            var gaps = function.ParameterSets.Select(set => new
            {
                set.Name,
                Missing = set.Parameters.Where(p => p.IsMandatory && !p.ValueFromRemainingArguments)
                    .Where(p => !given.Any(g => string.Equals(g, p.Name, StringComparison.OrdinalIgnoreCase)
                                                || p.Aliases.Contains(g, StringComparer.OrdinalIgnoreCase)))
                    .Select(p => "-" + p.Name).ToList(),
            }).ToList();
            if (gaps.Count > 0 && gaps.All(g => g.Missing.Count > 0))
            {
                var closest = gaps.OrderBy(g => g.Missing.Count).First();
                throw new AcmeException("AcmePoshAcmeArgumentMissing", AcmeErrorKind.InvalidArgument,
                    $"{function.Name} needs {string.Join(", ", closest.Missing)} in -PluginArgs"
                    + (gaps.Count > 1 ? $" (parameter set {closest.Name})" : "") + ".") { Target = function.Name };
            }
            return arguments;
        }
    }
}
