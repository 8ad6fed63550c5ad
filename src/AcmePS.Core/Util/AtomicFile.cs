using System;
using System.IO;
using System.Runtime.InteropServices;

namespace AcmePS.Core.Util
{
    /// <summary>
    /// Writes a whole file atomically and durably: a temporary file beside it, flushed to disk, then renamed over the
    /// target. A crash leaves the old file or the new one, never a torn one.
    /// </summary>
    public static class AtomicFile
    {
        public static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public static void Write(string path, byte[] bytes, bool secret)
        {
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full);
            Directory.CreateDirectory(dir);
            string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    // Restricted before the secret is written, so it is never readable by others, not even briefly.
                    if (secret) Restrict(temp, 0x180 /* 0600 */);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }
                Replace(temp, full);
            }
            catch
            {
                try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw;
            }
        }

        private static void Replace(string temp, string target)
        {
            if (!File.Exists(target))
            {
                try
                {
                    File.Move(temp, target);
                    return;
                }
                catch (IOException) when (File.Exists(target))
                {
                    // Another process wrote it first: replace theirs, as a later write would.
                }
            }
            File.Replace(temp, target, null);
        }

        /// <summary>chmod on Unix; on Windows the folder's ACL applies (and the vault encrypts secret files: Vault/Protection).</summary>
        public static void Restrict(string path, int mode)
        {
            if (IsWindows) return;
            if (chmod(path, mode) != 0)
                throw new IOException($"Could not restrict the permissions of {path} (errno {Marshal.GetLastWin32Error()}).");
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, int mode);
    }
}
