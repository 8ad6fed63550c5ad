using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using AcmePS.Core.Util;

namespace AcmePS.Core.Plugins
{
    /// <summary>
    /// The listeners of a plugin that answers challenges itself, one per address and port for the whole process, each
    /// shared by the items (tokens, certificates) published there. A listener starts with its first item and stops
    /// when its last is removed. So that nothing is left listening when the removal never comes (a stopped pipeline, a
    /// script that published by hand), an item lives <see cref="Lifetime"/> at most (a sweep every 30 s drops the
    /// expired ones and stops the listeners left with none), and every listener stops when the process exits.
    /// </summary>
    internal sealed class ListenerRegistry<TListener> where TListener : class, IDisposable
    {
        private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

        private readonly object _gate = new object();
        private readonly Dictionary<string, Entry> _entries = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        private readonly Func<IPEndPoint, TListener> _start;
        private readonly Action<TListener, string> _drop;
        private Timer _sweeper;

        /// <param name="start">Binds and starts a listener (throws when it cannot).</param>
        /// <param name="drop">Makes a listener stop serving an item (an expired or removed one).</param>
        /// <param name="lifetime">How long an item is served at most.</param>
        public ListenerRegistry(Func<IPEndPoint, TListener> start, Action<TListener, string> drop, TimeSpan lifetime)
        {
            _start = start;
            _drop = drop;
            Lifetime = lifetime;
            AppDomain.CurrentDomain.ProcessExit += (sender, args) => StopAll();
        }

        public TimeSpan Lifetime { get; }

        /// <summary>The clock for the items' lifetime (tests replace it).</summary>
        public IClock Clock { get; set; } = SystemClock.Instance;

        /// <summary>The address:port of every running listener ("127.0.0.1:8080", "[::]:80"), sorted.</summary>
        public IReadOnlyList<string> ActiveEndPoints
        {
            get { lock (_gate) return _entries.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList(); }
        }

        /// <summary>Whether the sweep runs (it does while a listener does).</summary>
        internal bool Sweeping
        {
            get { lock (_gate) return _sweeper != null; }
        }

        /// <summary>
        /// Serves <paramref name="item"/> on the endpoint for <see cref="Lifetime"/> from now (again from now when it is
        /// there already): starts the listener if needed, then <paramref name="add"/> puts the item in it.
        /// </summary>
        public void Add(IPEndPoint endPoint, string item, Action<TListener> add)
        {
            string key = ListenAddress.Format(endPoint);
            lock (_gate)
            {
                if (!_entries.TryGetValue(key, out Entry entry))
                {
                    entry = new Entry(_start(endPoint));
                    _entries[key] = entry;
                    if (_sweeper == null) _sweeper = new Timer(_ => SweepQuietly(), null, SweepInterval, SweepInterval);
                }
                try
                {
                    add(entry.Listener);
                }
                catch
                {
                    StopIfIdle(key, entry);
                    throw;
                }
                entry.Expires[item] = Clock.UtcNow + Lifetime;
            }
        }

        /// <summary>Stops serving the items <paramref name="match"/> picks; the listener stops with its last. None: nothing happens.</summary>
        public void Remove(IPEndPoint endPoint, Func<string, bool> match)
        {
            string key = ListenAddress.Format(endPoint);
            lock (_gate)
            {
                if (!_entries.TryGetValue(key, out Entry entry)) return;
                foreach (string item in entry.Expires.Keys.Where(match).ToList()) Drop(entry, item);
                StopIfIdle(key, entry);
            }
        }

        public void Remove(IPEndPoint endPoint, string item) => Remove(endPoint, i => string.Equals(i, item, StringComparison.Ordinal));

        /// <summary>The listener running on the endpoint, or null.</summary>
        public TListener Find(IPEndPoint endPoint)
        {
            lock (_gate) return _entries.TryGetValue(ListenAddress.Format(endPoint), out Entry entry) ? entry.Listener : null;
        }

        /// <summary>Drops the items past their lifetime and stops the listeners left with none.</summary>
        public void Sweep()
        {
            lock (_gate)
            {
                var now = Clock.UtcNow;
                foreach (var pair in _entries.ToList())
                {
                    foreach (string item in pair.Value.Expires.Where(e => e.Value <= now).Select(e => e.Key).ToList()) Drop(pair.Value, item);
                    StopIfIdle(pair.Key, pair.Value);
                }
            }
        }

        /// <summary>Stops every listener (at process exit; tests).</summary>
        public void StopAll()
        {
            lock (_gate)
            {
                foreach (var entry in _entries.Values) entry.Listener.Dispose();
                _entries.Clear();
                StopSweeper();
            }
        }

        private void SweepQuietly()
        {
            try
            {
                Sweep();
            }
            catch (Exception)
            {
                // A timer's exception would end the process; the next sweep tries again.
            }
        }

        private void Drop(Entry entry, string item)
        {
            entry.Expires.Remove(item);
            _drop(entry.Listener, item);
        }

        private void StopIfIdle(string key, Entry entry)
        {
            if (entry.Expires.Count > 0) return;
            _entries.Remove(key);
            if (_entries.Count == 0) StopSweeper();
            entry.Listener.Dispose();
        }

        private void StopSweeper()
        {
            _sweeper?.Dispose();
            _sweeper = null;
        }

        private sealed class Entry
        {
            public Entry(TListener listener) => Listener = listener;

            public TListener Listener { get; }

            public Dictionary<string, DateTimeOffset> Expires { get; } = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        }
    }
}
