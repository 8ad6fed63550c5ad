using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>
    /// The vault in an Azure Blob Storage container, through the Blob REST API. Each vault file is a block blob below
    /// the URL's prefix; a write replaces the blob whole, on condition: If-Match the ETag this store last read or
    /// wrote, or If-None-Match: * where it saw none, so a write never silently replaces another process's
    /// (AcmeVaultWriteConflict). Locks are blob leases (<see cref="BlobLeaseLock"/>). The interface is synchronous:
    /// each call runs its requests on the thread pool and waits.
    /// </summary>
    public sealed class BlobVaultStore : IVaultStore
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        private const string Missing = "";   // the ETag cache's mark for "read, and not there"

        private readonly BlobRestClient _client;
        private readonly BlobAddress _address;
        private readonly ConcurrentDictionary<string, string> _etags = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        private readonly TimeSpan _leaseDuration;

        /// <summary>A store for a container URL, with credentials from the URL's SAS, the environment or the managed identity.</summary>
        public BlobVaultStore(string url) : this(url, Environment.GetEnvironmentVariable, null, null) { }

        /// <param name="env">reads the environment (tests give their own)</param>
        /// <param name="imdsBase">the instance metadata service's base address (tests point it at a stand-in)</param>
        /// <param name="leaseDuration">the lock leases' duration, 15 to 60 s (default 20 s)</param>
        internal BlobVaultStore(string url, Func<string, string> env, Uri imdsBase, TimeSpan? leaseDuration)
        {
            _address = BlobAddress.Parse(url);
            var credential = BlobCredential.Resolve(_address, env, imdsBase, BlobRestClient.Shared("identity"));
            _client = new BlobRestClient(_address, credential);
            _leaseDuration = leaseDuration ?? TimeSpan.FromSeconds(20);
        }

        /// <summary>The container URL without its query (a SAS never shows).</summary>
        public string Location => _address.Display;

        internal BlobRestClient Client => _client;

        /// <summary>Runs async work to completion from a synchronous caller, off any synchronization context.</summary>
        internal static T Wait<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();

        private string Blob(string path)
        {
            if (path.Length == 0 || !path.Split('/').All(AcmeVault.IsSafeName))
                throw new ArgumentException($"Invalid vault path '{path}'.", nameof(path));
            return _address.BlobName(path);
        }

        public string Read(string path)
        {
            string blob = Blob(path);
            var r = Wait(() => _client.SendAsync(HttpMethod.Get, blob, null, null, null, CancellationToken.None));
            if (r.Status == 404)   // BlobNotFound, or ContainerNotFound before the first write
            {
                _etags[path] = Missing;
                return null;
            }
            if (r.Status != 200) throw _client.Failure("reading", blob, r);
            _etags[path] = r.ETag;
            return Utf8.GetString(r.Body);
        }

        public bool Exists(string path)
        {
            string blob = Blob(path);
            var r = Wait(() => _client.SendAsync(HttpMethod.Head, blob, null, null, null, CancellationToken.None));
            if (r.Status == 404) return false;
            if (r.Status != 200) throw _client.Failure("checking", blob, r);
            return true;
        }

        /// <summary>Null: blobs have no local path.</summary>
        public string LocalPath(string path)
        {
            Blob(path);
            return null;
        }

        /// <summary><paramref name="secret"/> changes nothing here: access to the container is the boundary (and encryption, where the vault has it).</summary>
        public void Write(string path, string text, bool secret = false)
        {
            string blob = Blob(path);
            byte[] body = Utf8.GetBytes(text);
            var headers = new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob", ["x-ms-blob-content-type"] = "text/plain; charset=utf-8" };
            if (_etags.TryGetValue(path, out string etag))
            {
                if (etag == Missing) headers["If-None-Match"] = "*";
                else headers["If-Match"] = etag;
            }
            var r = Wait(() => PutAsync(blob, headers, body));
            if (r.Status == 412 || (r.Status == 409 && r.ErrorCode == "BlobAlreadyExists"))
            {
                _etags.TryRemove(path, out _);   // the next read sees what the other process wrote
                throw new AcmeException("AcmeVaultWriteConflict", AcmeErrorKind.ResourceBusy,
                    $"{path} in the vault at {Location} was changed by another process since it was read; nothing was written. Run the command again.") { Target = path };
            }
            if (r.Status != 201) throw _client.Failure("writing", blob, r);
            _etags[path] = r.ETag;
        }

        /// <summary>A Put Blob that creates the container first where it does not exist yet.</summary>
        private async Task<BlobResponse> PutAsync(string blob, IDictionary<string, string> headers, byte[] body)
        {
            var r = await _client.SendAsync(HttpMethod.Put, blob, null, headers, body, CancellationToken.None).ConfigureAwait(false);
            if (r.Status != 404 || r.ErrorCode != "ContainerNotFound") return r;
            await CreateContainerAsync().ConfigureAwait(false);
            return await _client.SendAsync(HttpMethod.Put, blob, null, headers, body, CancellationToken.None).ConfigureAwait(false);
        }

        internal async Task CreateContainerAsync()
        {
            var c = await _client.SendAsync(HttpMethod.Put, null, "restype=container", null, null, CancellationToken.None).ConfigureAwait(false);
            if (c.Status != 201 && !(c.Status == 409 && c.ErrorCode == "ContainerAlreadyExists")) throw _client.Failure("creating the container", null, c);
        }

        internal Task<BlobResponse> PutAsync(string blob, IDictionary<string, string> headers) => PutAsync(blob, headers, new byte[0]);

        public void Delete(string path)
        {
            string blob = Blob(path);
            var r = Wait(() => _client.SendAsync(HttpMethod.Delete, blob, null, null, null, CancellationToken.None));
            if (r.Status != 202 && r.Status != 404) throw _client.Failure("deleting", blob, r);
            _etags[path] = Missing;
        }

        public IReadOnlyList<string> ListFolders(string path)
        {
            string prefix = path.Length == 0 ? _address.BlobName("") : Blob(path);
            var (_, folders) = List(prefix.Length == 0 ? "" : prefix + "/", delimited: true);
            return folders.Select(f => f.TrimEnd('/')).Select(f => f.Substring(f.LastIndexOf('/') + 1))
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
        }

        public IReadOnlyList<string> ListFiles(string path)
        {
            string prefix = path.Length == 0 ? _address.BlobName("") : Blob(path);
            var (blobs, _) = List(prefix.Length == 0 ? "" : prefix + "/", delimited: true);
            return blobs.Select(b => b.Substring(b.LastIndexOf('/') + 1)).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
        }

        public void DeleteFolder(string path)
        {
            string folder = Blob(path) + "/";
            var (blobs, _) = List(folder, delimited: false);
            foreach (string blob in blobs)
            {
                var r = Wait(() => _client.SendAsync(HttpMethod.Delete, blob, null, null, null, CancellationToken.None));
                if (r.Status != 202 && r.Status != 404) throw _client.Failure("deleting", blob, r);
            }
            string relative = path + "/";
            foreach (string key in _etags.Keys.Where(k => k.StartsWith(relative, StringComparison.Ordinal)).ToList()) _etags[key] = Missing;
        }

        /// <summary>List Blobs below a prefix, every page: the blob names and (with the '/' delimiter) the folder prefixes.</summary>
        private (List<string> Blobs, List<string> Folders) List(string prefix, bool delimited)
        {
            var blobs = new List<string>();
            var folders = new List<string>();
            string marker = null;
            do
            {
                string query = "restype=container&comp=list&maxresults=5000&prefix=" + Uri.EscapeDataString(prefix)
                    + (delimited ? "&delimiter=%2F" : "") + (marker != null ? "&marker=" + Uri.EscapeDataString(marker) : "");
                var r = Wait(() => _client.SendAsync(HttpMethod.Get, null, query, null, null, CancellationToken.None));
                if (r.Status == 404 && r.ErrorCode == "ContainerNotFound") break;
                if (r.Status != 200) throw _client.Failure("listing", prefix, r);
                marker = BlobListing.Parse(r.Body, blobs, folders);
            } while (!string.IsNullOrEmpty(marker));
            return (blobs, folders);
        }

        /// <summary>
        /// A lease on the blob .locks/&lt;name&gt;.lock below the prefix ('/' in the name becomes '!'), renewed while held
        /// and released on Dispose. A killed holder's lease runs out after the lease duration, and the lock is free again.
        /// </summary>
        public IDisposable Lock(string name, TimeSpan timeout, CancellationToken cancellationToken)
        {
            string blob = Blob(".locks/" + name.Replace('/', '!') + ".lock");
            return BlobLeaseLock.Acquire(this, blob, name, _leaseDuration, timeout, cancellationToken);
        }
    }
}
