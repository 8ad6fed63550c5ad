using System.Diagnostics;
using AcmePS.Core.Tests.Support;
using AcmePS.Core.Vault;
using AcmePS.Core.Workflow;
using Newtonsoft.Json.Linq;
using Xunit;

namespace AcmePS.Core.Tests;

/// <summary>The cleanup records: replayed only once their command is gone.</summary>
public sealed class UnpublishJournalTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly AcmeVault _vault;

    public UnpublishJournalTests() => _vault = new AcmeVault(new FileVaultStore(_temp.Path));

    public void Dispose() => _temp.Dispose();

    private string RecordOne(CancellationToken stop = default) => UnpublishJournal.Record(_vault, "srv", "acct",
        PluginSettingsRecord.Create("Test", "dns-01", new[] { new KeyValuePair<string, object>("Zone", "example.com") }),
        new[] { new PendingChallenge { Identifier = "a.example.com", Type = "dns-01", RecordName = "_acme-challenge.a.example.com", RecordValue = "v" } }, stop);

    [Fact]
    public void AnEntryInFlightIsNotReplayedAndACleanFinishDeletesIt()
    {
        string id = RecordOne();
        Assert.Empty(UnpublishJournal.Abandoned(_vault, "srv", "acct"));
        UnpublishJournal.Done(_vault, "srv", "acct", id, cleanedUp: true);
        Assert.Empty(_vault.Store.ListFolders("servers/srv/accounts/acct/unpublish"));
    }

    [Fact]
    public void AStoppedCommandLeavesAnEntryThatIsReplayedWithItsPluginParametersAndChallenges()
    {
        using var stop = new CancellationTokenSource();
        string id = RecordOne(stop.Token);
        stop.Cancel(); // Ctrl+C: the command may never reach Done
        var entry = Assert.Single(UnpublishJournal.Abandoned(_vault, "srv", "acct"));
        Assert.Equal(id, entry.Id);
        Assert.Equal("Test", entry.Settings.Plugin);
        Assert.Equal("example.com", entry.Settings.Values().Single(v => v.Key == "Zone").Value);
        Assert.Equal("v", Assert.Single(entry.Challenges).RecordValue);
        UnpublishJournal.Remove(_vault, entry);
        Assert.Empty(UnpublishJournal.Abandoned(_vault, "srv", "acct"));
    }

    [Fact]
    public void AnEntryOfAnotherLiveProcessIsLeftAloneUntilThatProcessEnds()
    {
        using var other = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            string id = RecordOne();
            UnpublishJournal.Done(_vault, "srv", "acct", id, cleanedUp: false);
            // make the entry another process's
            string path = $"servers/srv/accounts/acct/unpublish/{id}/pending.json";
            var json = JObject.Parse(_vault.Store.Read(path));
            var started = other.StartTime.ToUniversalTime();
            json["processId"] = other.Id;
            json["processStarted"] = new DateTimeOffset(started.Year, started.Month, started.Day, started.Hour, started.Minute, started.Second, TimeSpan.Zero);
            _vault.Store.Write(path, json.ToString());
            Assert.Empty(UnpublishJournal.Abandoned(_vault, "srv", "acct"));

            other.Kill();
            other.WaitForExit();
            Assert.Single(UnpublishJournal.Abandoned(_vault, "srv", "acct"));
        }
        finally
        {
            if (!other.HasExited) other.Kill();
        }
    }
}
