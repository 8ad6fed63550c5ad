using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using AcmePS.Core.Util;

namespace AcmePS.Core.Vault
{
    /// <summary>The vault in a local folder. Writes go to a temporary file that is flushed to disk and renamed.</summary>
    public sealed class FileVaultStore : IVaultStore
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        public FileVaultStore(string root)
        {
            Root = Path.GetFullPath(root);
        }

        public string Root { get; }

        public string Location => Root;

        /// <summary>The default folder: ACMEPS_VAULT, else %LOCALAPPDATA%\AcmePS on Windows, $XDG_DATA_HOME/AcmePS or ~/.local/share/AcmePS.</summary>
        public static string DefaultRoot()
        {
            string env = Environment.GetEnvironmentVariable("ACMEPS_VAULT");
            if (!string.IsNullOrWhiteSpace(env)) return env;
            if (AtomicFile.IsWindows) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "AcmePS");
            string xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (!string.IsNullOrWhiteSpace(xdg)) return Path.Combine(xdg, "AcmePS");
            string home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, ".local", "share", "AcmePS");
        }

        private string Full(string path)
        {
            // Every part a plain name: no "..", no "\\" or ":" (Windows separators and drives), nothing rooted.
            if (!path.Split('/').All(AcmeVault.IsSafeName))
                throw new ArgumentException($"Invalid vault path '{path}'.", nameof(path));
            string full = Path.GetFullPath(Path.Combine(Root, path.Replace('/', Path.DirectorySeparatorChar)));
            if (!full.StartsWith(Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new ArgumentException($"Invalid vault path '{path}'.", nameof(path));
            return full;
        }

        public string Read(string path)
        {
            string full = Full(path);
            return File.Exists(full) ? File.ReadAllText(full, Utf8) : null;
        }

        public bool Exists(string path) => File.Exists(Full(path));

        public string LocalPath(string path) => Full(path);

        public void Write(string path, string text, bool secret = false)
        {
            string full = Full(path);
            EnsureFolder(Path.GetDirectoryName(full));
            AtomicFile.Write(full, Utf8.GetBytes(text), secret);
        }

        public void Delete(string path)
        {
            string full = Full(path);
            if (File.Exists(full)) File.Delete(full);
        }

        private void EnsureFolder(string dir)
        {
            if (Directory.Exists(dir)) return;
            bool rootIsNew = !Directory.Exists(Root);
            Directory.CreateDirectory(dir);
            if (rootIsNew) AtomicFile.Restrict(Root, 0x1C0 /* 0700 */);
        }

        public IReadOnlyList<string> ListFolders(string path)
        {
            string full = path.Length == 0 ? Root : Full(path);
            if (!Directory.Exists(full)) return new string[0];
            return Directory.GetDirectories(full).Select(Path.GetFileName).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
        }

        public IReadOnlyList<string> ListFiles(string path)
        {
            string full = path.Length == 0 ? Root : Full(path);
            if (!Directory.Exists(full)) return new string[0];
            // AtomicFile's temporary files are ".<name>.<id>.tmp": a write that never finished.
            return Directory.GetFiles(full).Select(Path.GetFileName).Where(n => !(n.StartsWith(".", StringComparison.Ordinal) && n.EndsWith(".tmp", StringComparison.Ordinal)))
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
        }

        public void DeleteFolder(string path)
        {
            string full = Full(path);
            if (Directory.Exists(full)) Directory.Delete(full, true);
        }

        /// <summary>
        /// A lock file under .locks/, opened exclusively (FileShare.None: flock on Unix, a sharing lock on Windows).
        /// The OS releases it when the holder exits or is killed, so a stale lock never needs clearing by hand.
        /// </summary>
        public IDisposable Lock(string name, TimeSpan timeout, CancellationToken cancellationToken)
        {
            string file = Full(".locks/" + name.Replace('/', '!') + ".lock");
            EnsureFolder(Path.GetDirectoryName(file));
            var deadline = DateTime.UtcNow + timeout;
            int delay = 5;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    return new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    cancellationToken.WaitHandle.WaitOne(delay);
                    delay = Math.Min(delay * 2, 100);
                }
                catch (IOException ex)
                {
                    throw new AcmeException("AcmeVaultLocked", AcmeErrorKind.ResourceBusy,
                        $"'{name}' in the vault at {Root} is locked by another process; waited {timeout.TotalSeconds:0.#} s.", ex) { Target = name };
                }
            }
        }
    }
}
