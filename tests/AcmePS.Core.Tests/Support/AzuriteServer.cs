using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace AcmePS.Core.Tests.Support;

/// <summary>
/// Azurite's blob service (installed by build.ps1 Test under out/tools) on a free loopback port, in memory, for the
/// test classes in the "Azurite" collection; stopped by its PID.
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    /// <summary>The emulator's public, well-known account key (Azurite's documentation and source publish it).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public const string Account = "devstoreaccount1";

    private readonly Process _process;

    public AzuriteServer()
    {
        string exe = FindAzurite();
        Port = FreePort();
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(), "--inMemoryPersistence", "--disableTelemetry", "--silent" })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!IsOpen(Port))
        {
            if (_process.HasExited) throw new InvalidOperationException($"azurite-blob exited with {_process.ExitCode}");
            if (DateTime.UtcNow > deadline) { Dispose(); throw new InvalidOperationException("azurite-blob did not listen within 30 s"); }
            Thread.Sleep(100);
        }
    }

    public int Port { get; }

    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{Account}";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>A URL of a new container (created by the store's first write) with an optional prefix.</summary>
    public string NewContainerUrl(string prefix = "") =>
        $"{BlobEndpoint}/t{Guid.NewGuid():N}" + (prefix.Length > 0 ? "/" + prefix : "");

    /// <summary>The environment a store reads: the connection string and nothing else.</summary>
    public Func<string, string> Environment => name => name == "ACMEPS_VAULT_CONNECTION_STRING" ? ConnectionString : null;

    public static string FindAzurite()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(System.IO.Path.Combine(dir.FullName, "AcmePS.sln"))) dir = dir.Parent;
        if (dir == null) throw new InvalidOperationException("the repository root (AcmePS.sln) is not above " + AppContext.BaseDirectory);
        string exe = System.IO.Path.Combine(dir.FullName, "out", "tools", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(exe))
            throw new InvalidOperationException($"{exe} is missing: run 'dotnet pwsh ./build.ps1 Test' once, or 'npm install --prefix out/tools --save-exact azurite@3.35.0'");
        return exe;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        try { return ((IPEndPoint)l.LocalEndpoint).Port; } finally { l.Stop(); }
    }

    private static bool IsOpen(int port)
    {
        using var c = new TcpClient();
        try { return c.ConnectAsync(IPAddress.Loopback, port).Wait(500) && c.Connected; }
        catch (AggregateException) { return false; }
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(5000); } }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}

[CollectionDefinition("Azurite")]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer> { }
