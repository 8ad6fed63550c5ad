using System;

namespace AcmePS.Core.Protocol
{
    /// <summary>How hard the client tries before it gives up. Bounded everywhere: no request retries forever.</summary>
    public sealed class RetryPolicy
    {
        public static readonly RetryPolicy Default = new RetryPolicy();

        /// <summary>Attempts for a request that failed transiently (5xx, dropped connection, timeout).</summary>
        public int TransientAttempts { get; set; } = 6;

        /// <summary>Extra attempts after a badNonce answer (the nonce of the error is used, RFC 8555 §6.5).</summary>
        public int BadNonceRetries { get; set; } = 10;

        public TimeSpan BackoffStart { get; set; } = TimeSpan.FromMilliseconds(200);

        public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>The longest Retry-After honoured for a transient retry; a longer one ends the request.</summary>
        public TimeSpan RetryAfterMax { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>
        /// The wait after asking the CA to act (challenge answered, order finalized) before the first poll: a CA that
        /// acts at once is then seen done by that one poll, instead of pending by a poll sent too early.
        /// </summary>
        public TimeSpan PollFirst { get; set; } = TimeSpan.FromMilliseconds(25);

        /// <summary>The wait after a poll that found the work still going; it grows 1.6 times per poll up to PollMax.</summary>
        public TimeSpan PollStart { get; set; } = TimeSpan.FromMilliseconds(50);

        public TimeSpan PollMax { get; set; } = TimeSpan.FromSeconds(5);

        public TimeSpan Backoff(int attempt)
        {
            double ms = BackoffStart.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
            return TimeSpan.FromMilliseconds(Math.Min(ms, BackoffMax.TotalMilliseconds));
        }

        public TimeSpan PollDelay(int attempt, TimeSpan? retryAfter)
        {
            if (retryAfter.HasValue && retryAfter.Value > TimeSpan.Zero)
                return retryAfter.Value < PollMax ? retryAfter.Value : (retryAfter.Value > RetryAfterMax ? RetryAfterMax : retryAfter.Value);
            double ms = PollStart.TotalMilliseconds * Math.Pow(1.6, attempt);
            return TimeSpan.FromMilliseconds(Math.Min(ms, PollMax.TotalMilliseconds));
        }
    }
}
