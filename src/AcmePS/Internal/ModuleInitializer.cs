using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace AcmePS.Internal
{
    /// <summary>
    /// Keeps AcmePS's dependencies its own. The engine (AcmePS.Core) and everything it uses (BouncyCastle,
    /// Newtonsoft.Json) sit in the module's "dependencies" folder, where PowerShell does not look. When the cmdlets
    /// first need the engine, this resolver loads it: on PowerShell 7 into a load context of its own that resolves the
    /// engine's references from that folder first, so another module's BouncyCastle (every 2.x release has the same
    /// assembly version, 2.0.0.0) can never stand in for ours; on Windows PowerShell 5.1, with Assembly.LoadFrom.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal const string EngineName = "AcmePS.Core";

        private static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".", "dependencies");

        private static readonly bool IsCore = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext") != null;

        private static readonly object Gate = new object();
        private static Assembly _engine;

        public void OnImport()
        {
            // A module built without the folder (tests loading bin/ directly) resolves as any other assembly.
            if (!Directory.Exists(DependencyFolder)) return;
            AppDomain.CurrentDomain.AssemblyResolve += Resolve;
        }

        public void OnRemove(PSModuleInfo module) => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

        private static Assembly Resolve(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            string path = Path.Combine(DependencyFolder, name.Name + ".dll");
            if (IsCore)
            {
                // Only the engine is resolved from outside; its own references go through its load context.
                if (!string.Equals(name.Name, EngineName, StringComparison.Ordinal) || !File.Exists(path)) return null;
                lock (Gate)
                {
                    // Once: the engine must be one assembly, whichever context asks for it.
                    return _engine ?? (_engine = LoadInOwnContext(path));
                }
            }
            // Windows PowerShell 5.1: one AppDomain, no load contexts; load our copies by path.
            bool ours = args.RequestingAssembly == null || args.RequestingAssembly == typeof(ModuleInitializer).Assembly
                        || IsFromDependencyFolder(args.RequestingAssembly);
            return ours && File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        /// <summary>
        /// Its own method, never inlined: compiling a method loads the types it uses, and on .NET Framework the load
        /// context's base type (AssemblyLoadContext) does not exist. Only PowerShell 7 ever calls this.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static Assembly LoadInOwnContext(string path) => DependencyLoadContext.Create(DependencyFolder)(path);

        private static bool IsFromDependencyFolder(Assembly assembly)
        {
            try
            {
                return string.Equals(Path.GetDirectoryName(assembly.Location), DependencyFolder, StringComparison.OrdinalIgnoreCase);
            }
            catch (NotSupportedException)
            {
                return false; // dynamic assemblies have no location
            }
        }

        /// <summary>"name|path" of each assembly in the engine's load context, for tests and diagnostics (empty on Windows PowerShell).</summary>
        public static IReadOnlyList<string> EngineAssemblyLocations() => IsCore ? LocationsInOwnContext() : new string[0];

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static IReadOnlyList<string> LocationsInOwnContext() => DependencyLoadContext.Locations();
    }
}
