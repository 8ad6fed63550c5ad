using System;
using System.Collections.Generic;
using System.Threading;

namespace AcmePS.Core.Vault
{
    /// <summary>
    /// Where the vault's files live. Paths are relative, with '/' between parts. Every write replaces the whole file
    /// atomically: a reader sees the old content or the new one, never a mix.
    /// </summary>
    public interface IVaultStore
    {
        /// <summary>A description for messages: the folder or URL.</summary>
        string Location { get; }

        /// <summary>The text of the file, or null when it does not exist.</summary>
        string Read(string path);

        /// <summary>Writes atomically. <paramref name="secret"/> files (keys) are readable only by their owner.</summary>
        void Write(string path, string text, bool secret = false);

        bool Exists(string path);

        /// <summary>Removes a file; nothing happens when it does not exist.</summary>
        void Delete(string path);

        /// <summary>The names of the folders directly below <paramref name="path"/>.</summary>
        IReadOnlyList<string> ListFolders(string path);

        /// <summary>The names of the files directly in <paramref name="path"/> (no temporary files of unfinished writes).</summary>
        IReadOnlyList<string> ListFiles(string path);

        /// <summary>Removes a folder and everything below it.</summary>
        void DeleteFolder(string path);

        /// <summary>The full local path of a file, for users who want to read it; null where there is none.</summary>
        string LocalPath(string path);

        /// <summary>
        /// An exclusive lock named <paramref name="name"/> (a safe name, e.g. an order's folder path with '/' kept),
        /// held across processes until disposed. Waits up to <paramref name="timeout"/>, then throws AcmeException
        /// AcmeVaultLocked. A lock whose holder died is recovered (the OS drops a dead process's file lock; a blob
        /// lease expires).
        /// </summary>
        IDisposable Lock(string name, TimeSpan timeout, CancellationToken cancellationToken);
    }
}
