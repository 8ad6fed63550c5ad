#nullable enable
using System.Net;
using AcmePS.Core.Plugins;
using AcmePS.Core.Tests.Fakes;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>The registry both self-answering plugins (SelfHost, TlsAlpn) keep their listeners in, with listeners that open no socket.</summary>
public class ListenerRegistryTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly IPEndPoint One = new(IPAddress.Loopback, 1001);
    private static readonly IPEndPoint Two = new(IPAddress.IPv6Loopback, 1001);

    private sealed class FakeListener : IDisposable
    {
        public FakeListener(IPEndPoint endPoint) => EndPoint = endPoint;
        public IPEndPoint EndPoint { get; }
        public HashSet<string> Items { get; } = new();
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    private readonly List<FakeListener> _started = new();
    private readonly FakeClock _clock = new();

    private ListenerRegistry<FakeListener> NewRegistry(Func<IPEndPoint, FakeListener>? start = null) =>
        new(start ?? (ep => { var l = new FakeListener(ep); _started.Add(l); return l; }), (l, item) => l.Items.Remove(item), Lifetime) { Clock = _clock };

    private static void Add(ListenerRegistry<FakeListener> registry, IPEndPoint endPoint, string item) =>
        registry.Add(endPoint, item, l => l.Items.Add(item));

    private void Wait(TimeSpan time) => _clock.Delay(time, CancellationToken.None);

    [Fact]
    public void StartsWithTheFirstItemAndStopsWithTheLast()
    {
        var registry = NewRegistry();
        Assert.Empty(registry.ActiveEndPoints);
        Assert.False(registry.Sweeping);

        Add(registry, One, "a");
        Add(registry, One, "b");
        var listener = Assert.Single(_started);
        Assert.Equal(One, listener.EndPoint);
        Assert.Equal(new[] { "a", "b" }, listener.Items.OrderBy(i => i));
        Assert.Equal(new[] { "127.0.0.1:1001" }, registry.ActiveEndPoints);
        Assert.Same(listener, registry.Find(One));
        Assert.True(registry.Sweeping);

        registry.Remove(One, "a");
        Assert.False(listener.Disposed);
        Assert.Equal(new[] { "b" }, listener.Items);

        registry.Remove(One, "b");
        Assert.True(listener.Disposed);
        Assert.Empty(listener.Items);
        Assert.Empty(registry.ActiveEndPoints);
        Assert.Null(registry.Find(One));
        Assert.False(registry.Sweeping);

        registry.Remove(One, "b"); // again: nothing to do, no error
        Add(registry, One, "c"); // a new listener for the next one
        Assert.Equal(2, _started.Count);
        registry.StopAll();
    }

    [Fact]
    public void TheSweepDropsExpiredItemsAndStopsTheListenersLeftWithNone()
    {
        var registry = NewRegistry();
        Add(registry, One, "old");
        Wait(TimeSpan.FromMinutes(30));
        Add(registry, One, "new");
        Add(registry, Two, "other");
        registry.Sweep();
        Assert.Equal(2, registry.ActiveEndPoints.Count); // nothing expired yet

        Wait(TimeSpan.FromMinutes(30)); // "old" is an hour old
        registry.Sweep();
        Assert.Equal(new[] { "new" }, _started[0].Items);
        Assert.False(_started[0].Disposed);
        Assert.False(_started[1].Disposed);

        Wait(TimeSpan.FromMinutes(30));
        registry.Sweep();
        Assert.All(_started, l => Assert.True(l.Disposed));
        Assert.All(_started, l => Assert.Empty(l.Items));
        Assert.Empty(registry.ActiveEndPoints);
        Assert.False(registry.Sweeping);
    }

    [Fact]
    public void PublishingAnItemAgainRenewsItsLifetime()
    {
        var registry = NewRegistry();
        Add(registry, One, "a");
        Wait(TimeSpan.FromMinutes(50));
        Add(registry, One, "a");
        Wait(TimeSpan.FromMinutes(50));
        registry.Sweep();
        Assert.Equal(new[] { "a" }, _started[0].Items);
        Wait(TimeSpan.FromMinutes(10));
        registry.Sweep();
        Assert.True(_started[0].Disposed);
    }

    [Fact]
    public void TwoEndpointsAreIndependent()
    {
        var registry = NewRegistry();
        Add(registry, One, "a");
        Add(registry, Two, "a");
        Add(registry, new IPEndPoint(IPAddress.Loopback, 1002), "a");
        Assert.Equal(3, _started.Count);
        Assert.Equal(new[] { "127.0.0.1:1001", "127.0.0.1:1002", "[::1]:1001" }, registry.ActiveEndPoints);

        registry.Remove(One, "a");
        Assert.True(_started[0].Disposed);
        Assert.False(_started[1].Disposed);
        Assert.Equal(new[] { "a" }, _started[1].Items);
        Assert.Equal(new[] { "127.0.0.1:1002", "[::1]:1001" }, registry.ActiveEndPoints);
        Assert.True(registry.Sweeping);

        registry.StopAll();
        Assert.All(_started, l => Assert.True(l.Disposed));
        Assert.Empty(registry.ActiveEndPoints);
        Assert.False(registry.Sweeping);
    }

    [Fact]
    public void RemoveTakesEveryItemItsTestPicks()
    {
        var registry = NewRegistry();
        foreach (var item in new[] { "x\n1", "x\n2", "y\n1" }) Add(registry, One, item);
        registry.Remove(One, item => item.StartsWith("x\n", StringComparison.Ordinal));
        Assert.Equal(new[] { "y\n1" }, _started[0].Items);
        registry.Remove(One, _ => true);
        Assert.True(_started[0].Disposed);
    }

    [Fact]
    public void AListenerThatCannotStartLeavesNothingBehind()
    {
        var registry = NewRegistry(_ => throw new InvalidOperationException("port busy"));
        Assert.Throws<InvalidOperationException>(() => Add(registry, One, "a"));
        Assert.Empty(registry.ActiveEndPoints);
        Assert.False(registry.Sweeping);
    }

    [Fact]
    public void AnItemTheListenerRefusesStopsTheListenerItStartedButNotAnotherItemsListener()
    {
        var registry = NewRegistry();
        Assert.Throws<InvalidOperationException>(() => registry.Add(One, "bad", _ => throw new InvalidOperationException()));
        Assert.True(_started[0].Disposed);
        Assert.Empty(registry.ActiveEndPoints);

        Add(registry, Two, "good");
        Assert.Throws<InvalidOperationException>(() => registry.Add(Two, "bad", _ => throw new InvalidOperationException()));
        Assert.False(_started[1].Disposed);
        Assert.Equal(new[] { "good" }, _started[1].Items);
        registry.StopAll();
    }
}
