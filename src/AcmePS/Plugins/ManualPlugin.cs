using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>
    /// What Publish/Unpublish-AcmeManualChallenge share: the challenges of the pipeline, shown to the user as the
    /// records to create (dns-01) or files to serve (http-01), and the check that someone is there to read them.
    /// </summary>
    public abstract class ManualPlugin : AcmePluginCmdlet
    {
        protected readonly List<AcmeChallenge> Pending = new List<AcmeChallenge>();

        protected override void ProcessRecord()
        {
            foreach (var challenge in Challenge ?? new AcmeChallenge[0])
            {
                if (challenge == null) continue;
                if (this is Commands.PublishAcmeManualChallengeCommand && challenge.Status == "valid")
                {
                    WriteObject(challenge);
                    continue;
                }
                if (challenge.Type != "dns-01" && challenge.Type != "http-01")
                {
                    WriteAcmeError(new AcmeException("AcmePluginChallengeTypeUnsupported", AcmeErrorKind.InvalidArgument,
                        $"The Manual plugin shows dns-01 and http-01 answers, not {challenge.Type}.") { Target = challenge.Identifier }, challenge);
                    continue;
                }
                Pending.Add(challenge);
            }
        }

        /// <summary>What to create (or remove), one line per record or file; a name and its wildcard share one TXT name.</summary>
        protected IEnumerable<string> Describe()
        {
            foreach (var group in Pending.Where(c => c.Type == "dns-01").GroupBy(c => c.RecordName.TrimEnd('.').ToLowerInvariant()))
                foreach (string value in group.Select(c => c.RecordValue).Distinct())
                    yield return $"  TXT  {group.Key}.  \"{value}\"";
            foreach (var c in Pending.Where(c => c.Type == "http-01"))
                yield return $"  http://{c.Identifier}{c.HttpPath}  serving exactly: {c.HttpContent}";
        }

        protected void Show(string text) =>
            WriteInformation(new HostInformationMessage { Message = text }, new[] { "PSHOST" });

        /// <summary>
        /// Why nobody can press Enter here, or null when someone can: a host without a UI (Azure Automation, a
        /// runspace of a service), pwsh -NonInteractive, redirected input, a non-interactive user session.
        /// </summary>
        protected string NonInteractiveReason()
        {
            if (Host?.UI == null || Host.Name == "Default Host") return $"the host '{Host?.Name}' has no user interface";
            if (!Environment.UserInteractive) return "the process does not run in an interactive session";
            if (Host.Name == "ConsoleHost")
            {
                if (NonInteractiveSwitch()) return "PowerShell was started with -NonInteractive";
                if (Console.IsInputRedirected) return "the input of the console is redirected";
            }
            return null;
        }

        private static bool NonInteractiveSwitch()
        {
            foreach (string arg in Environment.GetCommandLineArgs().Skip(1))
            {
                string a = arg.TrimStart('-', '/').ToLowerInvariant();
                if (!arg.StartsWith("-", StringComparison.Ordinal) && !arg.StartsWith("/", StringComparison.Ordinal)) continue;
                if (a.Length >= 4 && "noninteractive".StartsWith(a, StringComparison.Ordinal)) return true;
                // what follows -Command or -File belongs to the script
                if (a == "c" || a == "f" || a == "e" || a == "ec" || a.StartsWith("com", StringComparison.Ordinal)
                    || a.StartsWith("fi", StringComparison.Ordinal) || a.StartsWith("enc", StringComparison.Ordinal)) return false;
            }
            return false;
        }
    }
}
