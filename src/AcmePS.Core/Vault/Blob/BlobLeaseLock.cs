using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>
    /// An exclusive lock across processes and machines: a finite lease on a lock blob (created empty where missing),
    /// renewed in the background every third of its duration while held, released on Dispose. A holder that dies
    /// stops renewing; its lease expires and the next Acquire gets the lock.
    /// </summary>
    internal sealed class BlobLeaseLock : IDisposable
    {
        private readonly BlobVaultStore _store;
        private readonly string _blob;
        private readonly string _leaseId;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Task _renewal;
        private int _disposed;

        private BlobLeaseLock(BlobVaultStore store, string blob, string leaseId, TimeSpan duration)
        {
            _store = store;
            _blob = blob;
            _leaseId = leaseId;
            _renewal = Task.Run(() => RenewAsync(TimeSpan.FromTicks(duration.Ticks / 3)));
        }

        /// <summary>True while the background renewal keeps the lease; false once a renewal was refused.</summary>
        public bool Held { get; private set; } = true;

        public static IDisposable Acquire(BlobVaultStore store, string blob, string name, TimeSpan duration, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + timeout;
            int delay = 100;
            string seconds = ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string proposed = Guid.NewGuid().ToString();
                var r = BlobVaultStore.Wait(() => Lease(store, blob, "acquire", new Dictionary<string, string>
                {
                    ["x-ms-lease-duration"] = seconds,
                    ["x-ms-proposed-lease-id"] = proposed,
                }, cancellationToken));
                if (r.Status == 201) return new BlobLeaseLock(store, blob, r.LeaseId ?? proposed, duration);
                if (r.Status == 404)
                {
                    // No lock blob yet: create it (If-None-Match: * so a lock blob another process leased meanwhile stays), then try again.
                    var c = BlobVaultStore.Wait(() => store.PutAsync(blob, new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob", ["If-None-Match"] = "*" }));
                    if (c.Status != 201 && c.Status != 409 && c.Status != 412) throw store.Client.Failure("creating the lock", blob, c);
                    continue;
                }
                if (r.Status != 409) throw store.Client.Failure("locking", blob, r);
                if (DateTime.UtcNow >= deadline)
                    throw new AcmeException("AcmeVaultLocked", AcmeErrorKind.ResourceBusy,
                        $"'{name}' in the vault at {store.Location} is locked by another process; waited {timeout.TotalSeconds:0.#} s. A lock whose holder died is free again within {duration.TotalSeconds:0} s.") { Target = name };
                var left = deadline - DateTime.UtcNow;
                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Max(0, Math.Min(delay, left.TotalMilliseconds))));
                delay = Math.Min(delay * 2, 500);
            }
        }

        private static Task<BlobResponse> Lease(BlobVaultStore store, string blob, string action, Dictionary<string, string> headers, CancellationToken cancellationToken)
        {
            headers["x-ms-lease-action"] = action;
            return store.Client.SendAsync(HttpMethod.Put, blob, "comp=lease", headers, null, cancellationToken);
        }

        private async Task RenewAsync(TimeSpan interval)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
                    var r = await Lease(_store, _blob, "renew", new Dictionary<string, string> { ["x-ms-lease-id"] = _leaseId }, _stop.Token).ConfigureAwait(false);
                    // 409/412: the lease is gone (expired and taken, or broken). Nothing to renew any more.
                    if (r.Status == 409 || r.Status == 412) { Held = false; return; }
                }
                catch (OperationCanceledException) { return; }
                catch (AcmeException) { /* unreachable for a moment: try again at the next interval, the lease still runs */ }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _stop.Cancel();
            try { _renewal.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            try
            {
                // Best effort: a release that fails leaves a lease that expires by itself.
                BlobVaultStore.Wait(() => Lease(_store, _blob, "release", new Dictionary<string, string> { ["x-ms-lease-id"] = _leaseId }, CancellationToken.None));
            }
            catch (AcmeException) { }
            _stop.Dispose();
        }
    }
}
