using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AcmePS.Core.Plugins.PoshAcme;

namespace AcmePS.Plugins
{
    /// <summary>What Publish- and Unpublish-AcmePoshAcmeChallenge share: the parameters and loading the plugin file once.</summary>
    public abstract class PoshAcmePluginCmdlet : AcmePluginCmdlet
    {
        /// <summary>The Posh-ACME plugin: the path of its .ps1 file, or its name in an installed Posh-ACME.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string PluginPath { get; set; }

        /// <summary>The plugin's own arguments, as for Posh-ACME's -PluginArgs.</summary>
        [Parameter]
        public Hashtable PluginArgs { get; set; }

        private PoshAcmePlugin _plugin;
        private Exception _loadError;

        /// <summary>The full path of the plugin file (after ResolvedPlugin has run).</summary>
        internal string PluginFile { get; private set; }

        /// <summary>The loaded plugin, or the reason it cannot be run (thrown again for every challenge).</summary>
        internal PoshAcmePlugin ResolvedPlugin()
        {
            if (_plugin != null) return _plugin;
            if (_loadError != null) throw _loadError;
            try
            {
                PluginFile = PoshAcmePluginFile.Resolve(PluginPath, SessionState.Path.GetUnresolvedProviderPathFromPSPath(PluginPath), SearchFolders());
                _plugin = PoshAcmePlugin.Load(this, PluginFile);
                WriteVerbose($"Loaded the {_plugin.ChallengeType} Posh-ACME plugin {PluginFile}.");
                return _plugin;
            }
            catch (Exception ex) when (IsReportable(ex))
            {
                _loadError = ex;
                throw;
            }
        }

        /// <summary>Where a plugin name is looked up: POSHACME_PLUGINS, then each installed Posh-ACME's Plugins folder, newest first.</summary>
        private IEnumerable<string> SearchFolders()
        {
            if (!PoshAcmePluginFile.IsName(PluginPath)) return Enumerable.Empty<string>();
            var folders = new List<string>();
            string custom = Environment.GetEnvironmentVariable("POSHACME_PLUGINS");
            if (!string.IsNullOrWhiteSpace(custom)) folders.Add(custom);
            var modules = InvokeCommand.InvokeScript(
                "Get-Module -ListAvailable -Name Posh-ACME | Sort-Object Version -Descending | ForEach-Object { Join-Path $_.ModuleBase 'Plugins' }");
            folders.AddRange(modules.Select(m => m?.BaseObject as string).Where(m => m != null));
            return folders;
        }
    }
}
