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

    /// <summary>Leaves an entry behind as <paramref name="other"/> would have, recording <paramref name="started"/> as its start.</summary>
    private void RecordForProcess(Process other, DateTimeOffset started)
    {
        string id = RecordOne();
        UnpublishJournal.Done(_vault, "srv", "acct", id, cleanedUp: false);
        string path = $"servers/srv/accounts/acct/unpublish/{id}/pending.json";
        var json = JObject.Parse(_vault.Store.Read(path));
        json["processId"] = other.Id;
        json["processStarted"] = started;
        _vault.Store.Write(path, json.ToString());
    }

    private static DateTimeOffset StartOf(Process process) => new(process.StartTime.ToUniversalTime(), TimeSpan.Zero);

    private static DateTimeOffset WholeSecond(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero);

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
            RecordForProcess(other, WholeSecond(StartOf(other)));
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

    [Theory]
    [InlineData("2026-11-28T21:04:30.9990000Z", "2026-11-28T21:04:31.0020000Z", true)]   // two readings a few ms apart, in two seconds
    [InlineData("2026-11-28T21:04:31Z", "2026-11-28T21:04:30.5530000Z", true)]           // a reading truncated to the second (older entries)
    [InlineData("2026-11-28T21:04:30Z", "2026-11-28T21:04:40Z", false)]                  // the PID taken by a later process
    [InlineData(null, "2026-11-28T21:04:40Z", true)]                                      // no start time recorded: the PID decides
    public void ReadingsOfOneStartTimeFromTwoProcessesAreTheSameStart(string recorded, string actual, bool same)
    {
        DateTimeOffset? r = recorded == null ? null : DateTimeOffset.Parse(recorded);
        Assert.Equal(same, UnpublishJournal.SameStart(r, DateTimeOffset.Parse(actual)));
    }

    [Theory]
    [InlineData(1, false)]    // recorded by the process itself: its reading and ours differ by ms (here put in the next second)
    [InlineData(-60, true)]   // recorded by a process that had this PID a minute before
    public void AnEntryOfALiveProcessIsLeftAloneWhateverSecondItsStartTimeFellIn(int shiftSeconds, bool abandoned)
    {
        using var other = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var started = StartOf(other);
            // shiftSeconds 1: the start of the next second plus 1 ms, which is within a second of the real start
            RecordForProcess(other, shiftSeconds == 1 ? WholeSecond(started).AddSeconds(1).AddMilliseconds(1) : started.AddSeconds(shiftSeconds));
            Assert.Equal(abandoned ? 1 : 0, UnpublishJournal.Abandoned(_vault, "srv", "acct").Count);
        }
        finally
        {
            if (!other.HasExited) other.Kill();
        }
    }
}
