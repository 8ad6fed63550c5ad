using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using AcmePS.Core.Workflow;
using Newtonsoft.Json;

namespace AcmePS.Core.Vault
{
    /// <summary>
    /// What a plugin is about to publish, recorded in the vault before it publishes and removed once its Unpublish
    /// command has run. An entry left behind means the command was stopped (Ctrl+C, a killed process) before it could
    /// clean up; the next command that calls plugins for the same account replays the Unpublish.
    /// …/accounts/&lt;account&gt;/unpublish/&lt;id&gt;/pending.json, a secret file (it holds the plugin's parameters).
    /// </summary>
    public static class UnpublishJournal
    {
        /// <summary>Entries of commands still running in this process: never replayed from here.</summary>
        private static readonly ConcurrentDictionary<string, bool> InFlight = new ConcurrentDictionary<string, bool>();

        private static string Folder(string serverId, string accountId) => $"servers/{serverId}/accounts/{accountId}/unpublish";

        public sealed class Entry
        {
            [JsonProperty("id")] public string Id { get; set; }
            [JsonProperty("serverId")] public string ServerId { get; set; }
            [JsonProperty("accountId")] public string AccountId { get; set; }
            [JsonProperty("processId")] public int ProcessId { get; set; }
            [JsonProperty("processStarted")] public DateTimeOffset? ProcessStarted { get; set; }
            [JsonProperty("recorded")] public DateTimeOffset Recorded { get; set; }
            [JsonProperty("settings")] public PluginSettingsRecord Settings { get; set; }
            [JsonProperty("challenges")] public List<PendingChallenge> Challenges { get; set; }
        }

        /// <summary>Records an entry and marks it in flight; returns its id (for <see cref="Done"/>).</summary>
        /// A stop (<paramref name="stop"/> cancelled) takes it out of flight at once: the stopped command may never get to call Done.
        public static string Record(AcmeVault vault, string serverId, string accountId, PluginSettingsRecord settings, IEnumerable<PendingChallenge> challenges,
            System.Threading.CancellationToken stop = default(System.Threading.CancellationToken))
        {
            var entry = new Entry
            {
                Id = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmssfff") + "-" + Guid.NewGuid().ToString("N").Substring(0, 8),
                ServerId = serverId,
                AccountId = accountId,
                ProcessId = CurrentProcess.Id,
                ProcessStarted = CurrentProcess.Started,
                Recorded = DateTimeOffset.UtcNow,
                Settings = settings,
                Challenges = challenges.ToList(),
            };
            InFlight[entry.Id] = true;
            vault.Store.Write($"{Folder(serverId, accountId)}/{entry.Id}/pending.json", JsonConvert.SerializeObject(entry, Formatting.Indented), secret: true);
            stop.Register(() => InFlight.TryRemove(entry.Id, out _));
            return entry.Id;
        }

        /// <summary>The command is over: <paramref name="cleanedUp"/> deletes the entry; otherwise it stays for the next command to replay.</summary>
        public static void Done(AcmeVault vault, string serverId, string accountId, string id, bool cleanedUp)
        {
            if (id == null) return;
            InFlight.TryRemove(id, out _);
            if (cleanedUp) vault.Store.DeleteFolder($"{Folder(serverId, accountId)}/{id}");
        }

        public static void Remove(AcmeVault vault, Entry entry) => vault.Store.DeleteFolder($"{Folder(entry.ServerId, entry.AccountId)}/{entry.Id}");

        /// <summary>Entries whose command is gone (stopped in this process, or in a process that no longer runs), oldest first.</summary>
        public static IReadOnlyList<Entry> Abandoned(AcmeVault vault, string serverId, string accountId)
        {
            var result = new List<Entry>();
            foreach (var id in vault.Store.ListFolders(Folder(serverId, accountId)).OrderBy(i => i, StringComparer.Ordinal))
            {
                if (InFlight.ContainsKey(id)) continue;
                string text = vault.Store.Read($"{Folder(serverId, accountId)}/{id}/pending.json");
                if (text == null) continue;
                Entry entry;
                try
                {
                    entry = JsonConvert.DeserializeObject<Entry>(text);
                }
                catch (JsonException)
                {
                    continue;
                }
                if (entry?.Settings == null || entry.Challenges == null || IsRunning(entry)) continue;
                entry.Id = id;
                entry.ServerId = serverId;
                entry.AccountId = accountId;
                result.Add(entry);
            }
            return result;
        }

        /// <summary>
        /// How far apart two readings of one process's start time may be. Each process works the start time out from
        /// its own estimate of the boot time, so readings from two processes differ by milliseconds (they can even fall
        /// in different seconds); a new process that reuses the PID starts later than that.
        /// </summary>
        internal static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);

        /// <summary>Whether a process started at <paramref name="recorded"/> (as its journal entry says) is the one started at <paramref name="actual"/>.</summary>
        internal static bool SameStart(DateTimeOffset? recorded, DateTimeOffset? actual) =>
            recorded == null || actual == null || (recorded.Value - actual.Value).Duration() <= StartTimeTolerance;

        private static bool IsRunning(Entry entry)
        {
            if (entry.ProcessId == CurrentProcess.Id && SameStart(entry.ProcessStarted, CurrentProcess.Started)) return false; // in this process and not in flight
            try
            {
                using (var process = Process.GetProcessById(entry.ProcessId))
                {
                    if (process.HasExited) return false;
                    return SameStart(entry.ProcessStarted, Started(process));
                }
            }
            catch (ArgumentException)
            {
                return false; // no such process
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private static DateTimeOffset? Started(Process process)
        {
            try
            {
                return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is System.ComponentModel.Win32Exception || ex is NotSupportedException)
            {
                return null;
            }
        }

        private static class CurrentProcess
        {
            private static readonly Process Self = Process.GetCurrentProcess();
            public static readonly int Id = Self.Id;
            public static readonly DateTimeOffset? Started = UnpublishJournal.Started(Self);
        }
    }
}
