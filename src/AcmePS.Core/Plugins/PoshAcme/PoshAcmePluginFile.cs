using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace AcmePS.Core.Plugins.PoshAcme
{
    /// <summary>
    /// Finds the file of a Posh-ACME plugin: a path to a .ps1 file, or a plugin name (such as Cloudflare) looked up in
    /// the folders Posh-ACME itself reads plugins from (POSHACME_PLUGINS, then the Plugins folder of each installed
    /// Posh-ACME module, newest first).
    /// </summary>
    public static class PoshAcmePluginFile
    {
        private static readonly Regex PluginName = new Regex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant);

        /// <summary>True when <paramref name="pathOrName"/> names a plugin rather than a file.</summary>
        public static bool IsName(string pathOrName) =>
            pathOrName != null && PluginName.IsMatch(pathOrName);

        /// <summary>
        /// The full path of the plugin file. <paramref name="resolvedPath"/> is the caller's full path for
        /// <paramref name="pathOrName"/> taken as a path; <paramref name="searchFolders"/> are tried in order for a name.
        /// </summary>
        public static string Resolve(string pathOrName, string resolvedPath, IEnumerable<string> searchFolders)
        {
            if (string.IsNullOrWhiteSpace(pathOrName))
                throw new AcmeException("AcmePoshAcmePluginNotFound", AcmeErrorKind.InvalidArgument,
                    "-PluginPath is empty: give a Posh-ACME plugin file (.ps1) or the name of a plugin of an installed Posh-ACME.") { Target = pathOrName };
            if (!IsName(pathOrName) || File.Exists(resolvedPath))
            {
                if (File.Exists(resolvedPath)) return resolvedPath;
                throw new AcmeException("AcmePoshAcmePluginNotFound", AcmeErrorKind.NotFound,
                    $"The Posh-ACME plugin file '{resolvedPath}' does not exist.") { Target = pathOrName };
            }
            var folders = (searchFolders ?? Enumerable.Empty<string>()).Where(f => !string.IsNullOrWhiteSpace(f)).ToList();
            foreach (var folder in folders)
            {
                string file = Path.Combine(folder, pathOrName + ".ps1");
                if (File.Exists(file)) return Path.GetFullPath(file);
            }
            throw new AcmeException("AcmePoshAcmePluginNotFound", AcmeErrorKind.NotFound,
                $"No Posh-ACME plugin named '{pathOrName}'"
                + (folders.Count == 0 ? " (Posh-ACME is not installed, and POSHACME_PLUGINS is not set)" : $" in {string.Join(", ", folders)}")
                + ": give the path of the plugin's .ps1 file, or install Posh-ACME (Install-Module Posh-ACME).") { Target = pathOrName };
        }
    }
}
