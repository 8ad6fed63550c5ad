#if NETSTANDARD2_0
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace AcmePS.Internal
{
    /// <summary>
    /// PowerShell 7 only (never touched on Windows PowerShell, where the type does not exist): a load context that
    /// takes every assembly it can from the dependencies folder and leaves only the framework to the default context.
    /// </summary>
    internal sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private static DependencyLoadContext _instance;
        private readonly string _folder;

        private readonly List<Assembly> _loaded = new List<Assembly>();

        private DependencyLoadContext(string folder)
        {
            _folder = folder;
        }

        public static Func<string, Assembly> Create(string folder)
        {
            _instance = new DependencyLoadContext(folder);
            return _instance.LoadTracked;
        }

        private Assembly LoadTracked(string path)
        {
            var assembly = LoadFromAssemblyPath(path);
            lock (_loaded) if (!_loaded.Contains(assembly)) _loaded.Add(assembly);
            return assembly;
        }

        /// <summary>
        /// The runtime's own assemblies (System.Memory, System.Buffers, Microsoft.Win32.Registry…): the netstandard2.0
        /// packages that DnsClient brings for Windows PowerShell are older copies of these, and loading them here would
        /// give the engine a second, different Span&lt;T&gt;. On PowerShell 7 the runtime's copy is always used.
        /// </summary>
        private static readonly HashSet<string> Platform = new HashSet<string>(
            ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
                .Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries)
                .Select(Path.GetFileNameWithoutExtension), StringComparer.OrdinalIgnoreCase);

        protected override Assembly Load(AssemblyName assemblyName)
        {
            if (Platform.Contains(assemblyName.Name)) return null;
            string path = Path.Combine(_folder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadTracked(path) : null;
        }

        public static IReadOnlyList<string> Locations()
        {
            var context = _instance;
            if (context == null) return new string[0];
            lock (context._loaded) return context._loaded.Select(a => a.GetName().Name + "|" + a.Location).ToList();
        }
    }
}
#else
namespace AcmePS.Internal
{
    internal static class DependencyLoadContext
    {
        public static System.Func<string, System.Reflection.Assembly> Create(string folder) =>
            throw new System.PlatformNotSupportedException("Load contexts exist only on PowerShell 7.");

        public static System.Collections.Generic.IReadOnlyList<string> Locations() => new string[0];
    }
}
#endif
