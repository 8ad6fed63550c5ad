using System.Net;
using System.Net.Sockets;
using System.Text;
using AcmePS.Core.Plugins.Http01;
using AcmePS.Core.Tests.Fakes;
using AcmePS.Core.Tests.Support;
using Xunit;

namespace AcmePS.Core.Tests;

// SelfHostResponder is process-wide: these tests share its state, so they run one at a time.
[CollectionDefinition(nameof(SelfHostCollection), DisableParallelization = true)]
public sealed class SelfHostCollection { }

[Collection(nameof(SelfHostCollection))]
public sealed class SelfHostResponderTests : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private const string Token = "tok_EN-abc123";
    private const string Content = "tok_EN-abc123.thumbprintXYZ";

    public void Dispose()
    {
        SelfHostResponder.StopAll();
        SelfHostResponder.Clock = SystemClock();
    }

    private static Util.IClock SystemClock() => Util.SystemClock.Instance;

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static bool Listening(int port)
    {
        using var c = new TcpClient();
        try { c.Connect(IPAddress.Loopback, port); return true; }
        catch (SocketException) { return false; }
    }

    [Fact]
    public async Task ServesThePublishedAnswerExactlyAnd404ForAnythingElse()
    {
        int port = FreePort();
        SelfHostResponder.Publish("127.0.0.1", port, Token, Content);

        var ok = await Http.GetAsync($"http://127.0.0.1:{port}/.well-known/acme-challenge/{Token}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(Content, await ok.Content.ReadAsStringAsync());

        foreach (var path in new[] { "/", "/.well-known/acme-challenge/other", "/.well-known/acme-challenge/", $"/x/.well-known/acme-challenge/{Token}" })
            Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"http://127.0.0.1:{port}{path}")).StatusCode);
        var post = await Http.PostAsync($"http://127.0.0.1:{port}/.well-known/acme-challenge/{Token}", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task SharesOneListenerPerAddressAndPortAndStopsWithItsLastToken()
    {
        int port = FreePort();
        SelfHostResponder.Publish("127.0.0.1", port, "aaa", "aaa.t");
        SelfHostResponder.Publish("127.0.0.1", port, "bbb", "bbb.t");
        Assert.Equal(new[] { $"127.0.0.1:{port}" }, SelfHostResponder.ActiveEndPoints);
        Assert.Equal("bbb.t", await Http.GetStringAsync($"http://127.0.0.1:{port}/.well-known/acme-challenge/bbb"));

        SelfHostResponder.Unpublish("127.0.0.1", port, "aaa");
        Assert.True(Listening(port));
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"http://127.0.0.1:{port}/.well-known/acme-challenge/aaa")).StatusCode);
        Assert.Equal("bbb.t", await Http.GetStringAsync($"http://127.0.0.1:{port}/.well-known/acme-challenge/bbb"));

        SelfHostResponder.Unpublish("127.0.0.1", port, "bbb");
        Assert.Empty(SelfHostResponder.ActiveEndPoints);
        Assert.False(Listening(port));
        SelfHostResponder.Unpublish("127.0.0.1", port, "bbb"); // again: nothing to do, no error
    }

    [Fact]
    public void TokensExpireAfterTheMaximumLifetimeAndTheListenerStops()
    {
        var clock = new FakeClock();
        SelfHostResponder.Clock = clock;
        int port = FreePort();
        SelfHostResponder.Publish("127.0.0.1", port, Token, Content);
        SelfHostResponder.Sweep();
        Assert.True(Listening(port));

        clock.Delay(SelfHostResponder.MaxLifetime, CancellationToken.None);
        SelfHostResponder.Sweep();
        Assert.Empty(SelfHostResponder.ActiveEndPoints);
        Assert.False(Listening(port));
    }

    [Fact]
    public void APortInUseIsAClearError()
    {
        var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            int port = ((IPEndPoint)busy.LocalEndpoint).Port;
            var ex = Assert.Throws<AcmeException>(() => SelfHostResponder.Publish("127.0.0.1", port, Token, Content));
            Assert.Equal("AcmeSelfHostListenFailed", ex.ErrorId);
            Assert.Contains($"127.0.0.1:{port}", ex.Message);
            Assert.Empty(SelfHostResponder.ActiveEndPoints);
        }
        finally { busy.Stop(); }
    }

    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("::", "::")]
    [InlineData("[::1]", "::1")]
    [InlineData("192.0.2.7", "192.0.2.7")]
    public void AddressesParse(string address, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), SelfHostResponder.ParseEndPoint(address, 80).Address);

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    public void EveryAddressIsDualStackWhereTheSystemHasIPv6(string address) =>
        Assert.Equal(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, SelfHostResponder.ParseEndPoint(address, 80).Address);

    [Fact]
    public async Task EveryAddressAnswersOnIPv4Loopback()
    {
        int port = FreePort();
        SelfHostResponder.Publish("*", port, Token, Content);
        Assert.Equal(Content, await Http.GetStringAsync($"http://127.0.0.1:{port}/.well-known/acme-challenge/{Token}"));
        SelfHostResponder.Unpublish("*", port, Token);
        Assert.False(Listening(port));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("1.2.3")]
    [InlineData("0.0.0.0:80")]
    public void OtherAddressesAreRefused(string address) =>
        Assert.Equal("AcmeSelfHostAddressInvalid", Assert.Throws<AcmeException>(() => SelfHostResponder.ParseEndPoint(address, 80)).ErrorId);

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("a.b")]
    [InlineData("")]
    public void TokensThatAreNotBase64UrlAreRefused(string token) =>
        Assert.Equal("AcmeHttpTokenInvalid", Assert.Throws<AcmeException>(() => SelfHostResponder.Publish("127.0.0.1", 1, token, "x")).ErrorId);

    [Fact]
    public async Task AnswersHeadAndAbsoluteFormRequests()
    {
        int port = FreePort();
        SelfHostResponder.Publish("127.0.0.1", port, Token, Content);
        string head = await RawAsync(port, $"HEAD /.well-known/acme-challenge/{Token} HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head);
        Assert.Contains($"Content-Length: {Content.Length}\r\n", head);
        Assert.EndsWith("\r\n\r\n", head);
        string absolute = await RawAsync(port, $"GET http://a.example.test/.well-known/acme-challenge/{Token}?x=1 HTTP/1.1\r\nHost: a.example.test\r\n\r\n");
        Assert.EndsWith("\r\n\r\n" + Content, absolute);
        Assert.StartsWith("HTTP/1.1 400 ", await RawAsync(port, "NONSENSE\r\n\r\n"));
    }

    private static async Task<string> RawAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var bytes = Encoding.ASCII.GetBytes(request);
        await stream.WriteAsync(bytes);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }
}

public sealed class WebRootPublisherTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WritesTheExactContentAndRemovesTheFileAndTheFoldersItCreated()
    {
        string file = WebRootPublisher.Publish(_temp.Path, "tok1", "tok1.thumb");
        WebRootPublisher.Publish(_temp.Path, "tok2", "tok2.thumb");

        Assert.Equal(_temp.Combine(".well-known", "acme-challenge", "tok1"), file);
        Assert.Equal(Encoding.ASCII.GetBytes("tok1.thumb"), File.ReadAllBytes(file)); // no BOM, no newline
        Assert.Equal(new[] { ".well-known/acme-challenge/tok1", ".well-known/acme-challenge/tok2" }, _temp.AllFiles());

        WebRootPublisher.Unpublish(_temp.Path, "tok1");
        Assert.Equal(new[] { ".well-known/acme-challenge/tok2" }, _temp.AllFiles());
        WebRootPublisher.Unpublish(_temp.Path, "tok2");
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
        WebRootPublisher.Unpublish(_temp.Path, "tok2"); // already gone: no error
    }

    [Fact]
    public void KeepsFoldersThatWereThereBefore()
    {
        Directory.CreateDirectory(_temp.Combine(".well-known", "acme-challenge"));
        WebRootPublisher.Publish(_temp.Path, "tok", "tok.thumb");
        WebRootPublisher.Unpublish(_temp.Path, "tok");
        Assert.True(Directory.Exists(_temp.Combine(".well-known", "acme-challenge")));
        Assert.Empty(_temp.AllFiles());
    }

    [Fact]
    public void KeepsACreatedFolderThatSomethingElseWroteInto()
    {
        WebRootPublisher.Publish(_temp.Path, "tok", "tok.thumb");
        File.WriteAllText(_temp.Combine(".well-known", "security.txt"), "x");
        WebRootPublisher.Unpublish(_temp.Path, "tok");
        Assert.Equal(new[] { ".well-known/security.txt" }, _temp.AllFiles());
        Assert.False(Directory.Exists(_temp.Combine(".well-known", "acme-challenge")));
    }

    [Fact]
    public void AMissingWebRootIsAClearErrorAndNothingIsWritten()
    {
        string missing = _temp.Combine("no-such-folder");
        var ex = Assert.Throws<AcmeException>(() => WebRootPublisher.Publish(missing, "tok", "tok.thumb"));
        Assert.Equal("AcmeWebRootNotFound", ex.ErrorId);
        Assert.Contains(missing, ex.Message);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void AWebRootThatCannotBeWrittenIsAClearError()
    {
        File.WriteAllText(_temp.Combine(".well-known"), "a file where the folder should be");
        var ex = Assert.Throws<AcmeException>(() => WebRootPublisher.Publish(_temp.Path, "tok", "tok.thumb"));
        Assert.Equal("AcmeWebRootNotWritable", ex.ErrorId);
    }

    [Fact]
    public void ATokenThatWouldLeaveTheFolderIsRefused()
    {
        var ex = Assert.Throws<AcmeException>(() => WebRootPublisher.Publish(_temp.Path, "../../evil", "x"));
        Assert.Equal("AcmeHttpTokenInvalid", ex.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }
}
