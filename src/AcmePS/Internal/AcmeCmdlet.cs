using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core;
using AcmePS.Core.Http;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;

namespace AcmePS.Internal
{
    /// <summary>
    /// The base of every AcmePS cmdlet. It owns cancellation (Ctrl+C cancels the requests in flight), the bridge from
    /// the async engine to the pipeline thread (verbose and progress messages are queued by the engine and written
    /// here, on the only thread allowed to write), the vault, and the mapping of engine errors to ErrorRecords.
    /// </summary>
    public abstract class AcmeCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly ConcurrentQueue<Action> _pending = new ConcurrentQueue<Action>();
        private readonly AutoResetEvent _signal = new AutoResetEvent(false);
        private AcmeVault _vault;
        private static int _nextActivityId = 1000;
        private readonly int _activityId = Interlocked.Increment(ref _nextActivityId);

        protected internal CancellationToken CancellationToken => _cancellation.Token;

        /// <summary>The vault (ACMEPS_VAULT or the per-user default), opened once per command.</summary>
        protected internal AcmeVault Vault => _vault ?? (_vault = AcmeVault.OpenDefault());

        protected internal AcmeSession OpenSession(string server = null, string account = null)
        {
            var session = AcmeSession.Open(Vault, server, account);
            RecoverPendingAccountKey(session);
            return session;
        }

        /// <summary>
        /// An account.key.new left by an interrupted key rollover is settled at the account's next use: the CA is asked
        /// which key it has, and the vault keeps that one. When the CA cannot say (unreachable), a warning, and the
        /// command goes on with the old key.
        /// </summary>
        private void RecoverPendingAccountKey(AcmeSession session)
        {
            if (!AccountOperations.HasPendingKey(session)) return;
            try
            {
                var outcome = Run(ct => AccountOperations.RecoverPendingKeyAsync(session, ct));
                WriteVerbose(outcome == PendingKeyOutcome.Committed
                    ? $"Account {session.Account.Id}: the CA has the new key of the interrupted rollover; it is now the account key."
                    : $"Account {session.Account.Id}: the CA kept the old key; the new key of the interrupted rollover was dropped.");
            }
            catch (AcmeException ex) when (ex.Kind == AcmeErrorKind.ConnectionError || ex.ErrorId == "AcmeAccountKeyUnknown")
            {
                WriteWarning($"Account {session.Account.Id} has an interrupted key rollover (account.key.new) that could not be settled: {ex.Message}");
            }
        }

        protected override void StopProcessing() => _cancellation.Cancel();

        public void Dispose()
        {
            _cancellation.Dispose();
            _signal.Dispose();
        }

        /// <summary>Runs engine work to completion, writing its verbose and progress messages as they come.</summary>
        protected internal T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            var task = Start(work);
            PumpUntil(task);
            return Result(task);
        }

        protected internal void Run(Func<CancellationToken, Task> work) => Run(async ct => { await work(ct).ConfigureAwait(false); return true; });

        /// <summary>Starts engine work on the thread pool, its request trace going to -Verbose through the pump.</summary>
        protected internal Task<T> Start<T>(Func<CancellationToken, Task<T>> work)
        {
            var token = _cancellation.Token;
            var limiter = RequestLimiter;
            return Task.Run(() =>
            {
                AcmeTrace.Current = message => Post(() => WriteVerbose(message));
                RequestRateLimiter.Current = limiter;
                return work(token);
            });
        }

        /// <summary>A request rate limit for this command's own requests (none by default).</summary>
        protected RequestRateLimiter RequestLimiter { get; set; }

        /// <summary>The task's result, with Ctrl+C surfacing as PowerShell's own stop.</summary>
        protected internal T Result<T>(Task<T> task)
        {
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>
        /// The pump: on the pipeline thread, runs what background work posted (verbose, progress, plugin calls, output)
        /// until <paramref name="task"/> is done.
        /// </summary>
        protected internal void PumpUntil(Task task)
        {
            var handles = new WaitHandle[] { ((IAsyncResult)task).AsyncWaitHandle, _signal };
            while (!task.IsCompleted)
            {
                WaitHandle.WaitAny(handles);
                Drain();
            }
            Drain();
        }

        /// <summary>Runs what is posted so far, without waiting.</summary>
        protected internal void PumpPending() => Drain();

        /// <summary>
        /// Runs <paramref name="func"/> on the pipeline thread (the only one that may call plugins or write to the
        /// pipeline) the next time the pump runs, and gives its result to the background work that asked.
        /// </summary>
        protected internal Task<T> OnPipelineThread<T>(Func<T> func)
        {
            var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(() =>
            {
                try
                {
                    completion.SetResult(func());
                }
                catch (Exception ex)
                {
                    completion.SetException(ex);
                }
            });
            return completion.Task;
        }

        protected internal Task OnPipelineThread(Action action) => OnPipelineThread(() => { action(); return true; });

        /// <summary>An IProgress for the engine; reports become Write-Progress records on the pipeline thread.</summary>
        protected internal IProgress<AcmeProgress> Progress => new QueuedProgress(this);

        private void Post(Action action)
        {
            _pending.Enqueue(action);
            _signal.Set();
        }

        private void Drain()
        {
            while (_pending.TryDequeue(out Action action))
            {
                try
                {
                    action();
                }
                catch (PipelineStoppedException) when (Stopping)
                {
                    // Once the pipeline stops, writes fail; go on, so that the clean-up the work posts next still runs.
                }
            }
        }

        private sealed class QueuedProgress : IProgress<AcmeProgress>
        {
            private readonly AcmeCmdlet _owner;

            public QueuedProgress(AcmeCmdlet owner) => _owner = owner;

            public void Report(AcmeProgress value) => _owner.Post(() =>
            {
                var record = new ProgressRecord(_owner._activityId, value.Activity, value.Status ?? "…");
                if (value.Percent >= 0) record.PercentComplete = Math.Min(100, value.Percent);
                if (value.Completed) record.RecordType = ProgressRecordType.Completed;
                _owner.WriteProgress(record);
            });
        }

        /// <summary>
        /// ShouldProcess, except that -Force skips the confirmation prompt of a high-impact command (but never -WhatIf,
        /// and never an explicit -Confirm).
        /// </summary>
        protected bool ShouldProcessOrForce(bool force, string target, string action)
        {
            var bound = MyInvocation.BoundParameters;
            bool whatIf = (bound.TryGetValue("WhatIf", out object w) && ((SwitchParameter)w).IsPresent)
                          || LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
            if (force && !whatIf && !bound.ContainsKey("Confirm")) return true;
            return ShouldProcess(target, action);
        }

        /// <summary>
        /// The text of a file the user named (relative to the current PowerShell location); <paramref name="errorId"/>
        /// with "The <paramref name="what"/> '…' does not exist." when there is none.
        /// </summary>
        protected internal string ReadUserFile(string path, string errorId, string what)
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            if (!System.IO.File.Exists(full))
                throw new AcmeException(errorId, AcmeErrorKind.NotFound, $"The {what} '{full}' does not exist.") { Target = path };
            return System.IO.File.ReadAllText(full);
        }

        /// <summary>A warning when the CA offered no chain from the preferred issuer (its default chain is kept then).</summary>
        protected internal void WarnIfNotPreferred(Core.Vault.OrderRecord order)
        {
            var chains = order?.Certificate?.Chains;
            if (string.IsNullOrEmpty(order?.PreferredChain) || chains == null || chains.Count == 0) return;
            if (chains[0].Issuers.Contains(order.PreferredChain, StringComparer.OrdinalIgnoreCase)) return;
            WriteWarning($"The CA offered no chain with the issuer '{order.PreferredChain}' for '{order.Name}' (the chains end at: "
                + $"{string.Join(", ", chains.Select(c => c.RootIssuer))}); the CA's default chain is used.");
        }

        // ---- errors ------------------------------------------------------------------------------------------

        /// <summary>A non-terminating error for one input; the pipeline goes on with the next.</summary>
        protected internal void WriteAcmeError(Exception exception, object target = null) => WriteError(ErrorRecordFor(exception, target));

        protected void ThrowAcmeError(Exception exception, object target = null) => ThrowTerminatingError(ErrorRecordFor(exception, target));

        public static ErrorRecord ErrorRecordFor(Exception exception, object target)
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count == 1) exception = aggregate.InnerException;
            if (exception is AcmeException acme)
            {
                var record = new ErrorRecord(acme, acme.ErrorId, CategoryFor(acme.Kind), acme.Target ?? target);
                return record;
            }
            if (exception is RuntimeException runtime && runtime.ErrorRecord != null)
                return runtime.ErrorRecord;
            return new ErrorRecord(exception, "AcmeUnexpectedError", ErrorCategory.NotSpecified, target);
        }

        public static ErrorCategory CategoryFor(AcmeErrorKind kind)
        {
            switch (kind)
            {
                case AcmeErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case AcmeErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case AcmeErrorKind.InvalidOperation: return ErrorCategory.InvalidOperation;
                case AcmeErrorKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case AcmeErrorKind.ConnectionError: return ErrorCategory.ConnectionError;
                case AcmeErrorKind.LimitsExceeded: return ErrorCategory.LimitsExceeded;
                case AcmeErrorKind.OperationTimeout: return ErrorCategory.OperationTimeout;
                case AcmeErrorKind.SecurityError: return ErrorCategory.SecurityError;
                case AcmeErrorKind.InvalidData: return ErrorCategory.InvalidData;
                case AcmeErrorKind.ResourceExists: return ErrorCategory.ResourceExists;
                case AcmeErrorKind.ResourceBusy: return ErrorCategory.ResourceBusy;
                default: return ErrorCategory.NotSpecified;
            }
        }

        /// <summary>True for exceptions a cmdlet reports as an error record rather than letting them escape.</summary>
        protected internal static bool IsReportable(Exception ex) =>
            !(ex is PipelineStoppedException) && !(ex is OperationCanceledException) && !(ex is ActionPreferenceStopException);
    }
}
