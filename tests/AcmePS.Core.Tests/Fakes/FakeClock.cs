using AcmePS.Core.Util;

namespace AcmePS.Core.Tests.Fakes;

/// <summary>A clock whose Delay returns at once but records the wait and moves UtcNow forward by it.</summary>
public sealed class FakeClock : IClock
{
    private readonly object _lock = new();
    private readonly List<TimeSpan> _delays = new();
    private DateTimeOffset _now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Start { get; } = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public DateTimeOffset UtcNow
    {
        get { lock (_lock) return _now; }
    }

    public IReadOnlyList<TimeSpan> Delays
    {
        get { lock (_lock) return _delays.ToList(); }
    }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _delays.Add(delay);
            if (delay > TimeSpan.Zero) _now += delay;
        }
        return Task.CompletedTask;
    }
}
