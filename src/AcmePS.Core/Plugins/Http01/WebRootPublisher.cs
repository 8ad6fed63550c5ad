using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace AcmePS.Core.Plugins.Http01
{
    /// <summary>
    /// The WebRoot plugin: writes each http-01 answer as the file &lt;web root&gt;/.well-known/acme-challenge/&lt;token&gt;
    /// for a web server that serves that folder, and removes it afterwards, with the folders it created for it
    /// when they are empty by then. Folders that were there before are never removed.
    /// </summary>
    public static class WebRootPublisher
    {
        private static readonly object Gate = new object();
        // Folders this process created, so Unpublish removes those and no others.
        private static readonly HashSet<string> Created = new HashSet<string>(StringComparer.Ordinal);
        private static readonly Encoding Utf8 = new UTF8Encoding(false);

        /// <summary>Writes the answer and returns the file's full path.</summary>
        public static string Publish(string webRoot, string token, string content, object target = null)
        {
            Http01Token.Check(token, content, target ?? token);
            string root = CheckRoot(webRoot);
            string wellKnown = Path.Combine(root, ".well-known");
            string folder = Path.Combine(wellKnown, "acme-challenge");
            string file = Path.Combine(folder, token);
            lock (Gate)
            {
                try
                {
                    foreach (var dir in new[] { wellKnown, folder })
                    {
                        if (Directory.Exists(dir)) continue;
                        Directory.CreateDirectory(dir);
                        Created.Add(dir);
                    }
                    // The exact key authorization: no BOM, no trailing newline.
                    File.WriteAllText(file, content, Utf8);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
                {
                    throw new AcmeException("AcmeWebRootNotWritable",
                        ex is UnauthorizedAccessException ? AcmeErrorKind.PermissionDenied : AcmeErrorKind.InvalidOperation,
                        $"Cannot write the http-01 answer for {target ?? token} to '{file}': {ex.Message}", ex) { Target = webRoot };
                }
            }
            return file;
        }

        /// <summary>Removes the answer's file (a missing one is no error), then the folders Publish created, if empty.</summary>
        public static void Unpublish(string webRoot, string token, object target = null)
        {
            if (string.IsNullOrEmpty(webRoot) || !Directory.Exists(webRoot)) return;
            string root = Path.GetFullPath(webRoot);
            string wellKnown = Path.Combine(root, ".well-known");
            string folder = Path.Combine(wellKnown, "acme-challenge");
            lock (Gate)
            {
                try
                {
                    if (!string.IsNullOrEmpty(token) && token.IndexOfAny(new[] { '/', '\\', '.' }) < 0)
                    {
                        string file = Path.Combine(folder, token);
                        if (File.Exists(file)) File.Delete(file);
                    }
                    foreach (var dir in new[] { folder, wellKnown })
                    {
                        if (!Created.Contains(dir)) continue;
                        if (Directory.Exists(dir) && Directory.GetFileSystemEntries(dir).Length == 0) Directory.Delete(dir);
                        if (!Directory.Exists(dir)) Created.Remove(dir);
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new AcmeException("AcmeWebRootRemoveFailed", AcmeErrorKind.InvalidOperation,
                        $"Cannot remove the http-01 answer for {target ?? token} from '{folder}': {ex.Message}", ex) { Target = webRoot };
                }
            }
        }

        private static string CheckRoot(string webRoot)
        {
            if (string.IsNullOrWhiteSpace(webRoot) || !Directory.Exists(webRoot))
                throw new AcmeException("AcmeWebRootNotFound", AcmeErrorKind.NotFound,
                    $"The web root folder '{webRoot}' does not exist: give the folder your web server serves for the site.") { Target = webRoot };
            return Path.GetFullPath(webRoot);
        }
    }
}
