using System.Collections.Concurrent;
using AcmePS.Core.Crypto;

namespace AcmePS.Core.Tests.Support;

/// <summary>One generated key per type for the whole run: RSA generation is slow, and most tests only need some key.</summary>
public static class TestKeys
{
    private static readonly ConcurrentDictionary<KeyType, Lazy<AcmeKey>> Cache = new();

    public static AcmeKey Get(KeyType type) =>
        Cache.GetOrAdd(type, t => new Lazy<AcmeKey>(() => AcmeKey.Generate(t), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public static AcmeKey Ec256 => Get(KeyType.EC256);
}
