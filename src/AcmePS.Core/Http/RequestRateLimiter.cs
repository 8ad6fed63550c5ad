using System;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Util;

namespace AcmePS.Core.Http
{
    /// <summary>
    /// Spaces request starts to at most a given rate. The host sets one for an operation through <see cref="Current"/>:
    /// it flows with the async calls of that operation only, so one command's limit never slows another.
    /// </summary>
    public sealed class RequestRateLimiter
    {
        private static readonly AsyncLocal<RequestRateLimiter> Ambient = new AsyncLocal<RequestRateLimiter>();
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private readonly TimeSpan _interval;
        private DateTimeOffset _nextSlot;

        public RequestRateLimiter(double requestsPerSecond)
        {
            if (!(requestsPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond));
            RequestsPerSecond = requestsPerSecond;
            _interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
        }

        public double RequestsPerSecond { get; }

        /// <summary>The limiter of the operation in progress, if any.</summary>
        public static RequestRateLimiter Current
        {
            get => Ambient.Value;
            set => Ambient.Value = value;
        }

        public async Task WaitAsync(IClock clock, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var now = clock.UtcNow;
                var wait = _nextSlot - now;
                if (wait > TimeSpan.Zero) await clock.Delay(wait, cancellationToken).ConfigureAwait(false);
                _nextSlot = (wait > TimeSpan.Zero ? _nextSlot : now) + _interval;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
