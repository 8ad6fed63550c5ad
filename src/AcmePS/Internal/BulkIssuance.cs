using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Vault;
using AcmePS.Models;

namespace AcmePS.Internal
{
    /// <summary>
    /// Many issuances at once in one command (New-AcmeCertificate -ThrottleLimit, Submit-AcmeRenewal): at most
    /// <c>throttle</c> run together on the thread pool; each one's certificate or errors are written on the pipeline
    /// thread as soon as it finishes, and one failure does not stop the rest.
    /// </summary>
    internal sealed class BulkIssuance
    {
        private readonly AcmeCmdlet _host;
        private readonly string _activity;
        private readonly SemaphoreSlim _slots;
        private readonly List<Task<bool>> _running = new List<Task<bool>>();
        private int _started, _finished;

        public BulkIssuance(AcmeCmdlet host, int throttle, string activity)
        {
            _host = host;
            _activity = activity;
            _slots = new SemaphoreSlim(throttle, throttle);
        }

        public int Count => _running.Count;

        /// <summary>
        /// Starts <paramref name="work"/> beside the others. A certificate it returns is written (null: nothing to write,
        /// its errors were written already); an exception it throws is written as an error for <paramref name="target"/>.
        /// </summary>
        public void Start(object target, Func<CancellationToken, Task<OrderRecord>> work)
        {
            Interlocked.Increment(ref _started);
            _running.Add(_host.Start(async ct =>
            {
                await _slots.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    var order = await work(ct).ConfigureAwait(false);
                    if (order != null)
                        await _host.OnPipelineThread(() => { _host.WarnIfNotPreferred(order); _host.WriteObject(AcmeCertificate.From(_host.Vault, order)); })
                            .ConfigureAwait(false);
                }
                catch (Exception ex) when (AcmeCmdlet.IsReportable(ex))
                {
                    await _host.OnPipelineThread(() => _host.WriteAcmeError(ex, target)).ConfigureAwait(false);
                }
                finally
                {
                    _slots.Release();
                    int done = Interlocked.Increment(ref _finished), all = Volatile.Read(ref _started);
                    await _host.OnPipelineThread(() => _host.WriteProgress(new ProgressRecord(1, _activity,
                        $"{done} of {all} done") { PercentComplete = Math.Min(100, 100 * done / Math.Max(1, all)) })).ConfigureAwait(false);
                }
                return true;
            }));
            _host.PumpPending();
        }

        /// <summary>Waits for every started issuance, running what they post; a stop (Ctrl+C, -ErrorAction Stop) surfaces here.</summary>
        public void WaitAll()
        {
            if (_running.Count == 0) return;
            _host.PumpUntil(Task.WhenAll(_running));
            _host.WriteProgress(new ProgressRecord(1, _activity, "done") { RecordType = ProgressRecordType.Completed });
            foreach (var task in _running) _host.Result(task);
        }
    }
}
