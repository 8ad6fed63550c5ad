using System;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Challenges;
using AcmePS.Core.Workflow;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Plugins
{
    /// <summary>
    /// Publishes dns-01 and http-01 answers to pebble-challtestsrv's management API (the test DNS and HTTP server
    /// that Pebble validates against). For demos and tests.
    /// </summary>
    public sealed class ChallTestSrvClient
    {
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        private readonly Uri _management;

        public ChallTestSrvClient(Uri managementUrl)
        {
            _management = managementUrl ?? throw new ArgumentNullException(nameof(managementUrl));
        }

        public Task PublishAsync(PendingChallenge challenge, CancellationToken ct)
        {
            switch (challenge.Type)
            {
                // challtestsrv matches names only in their absolute form, with the final dot.
                case ChallengeAnswers.Dns01:
                case ChallengeAnswers.DnsAccount01:
                case ChallengeAnswers.DnsPersist01:
                    return PostAsync("set-txt", new JObject { ["host"] = challenge.RecordName + ".", ["value"] = challenge.RecordValue }, ct);
                case ChallengeAnswers.Http01:
                    return PostAsync("add-http01", new JObject { ["token"] = challenge.Token, ["content"] = challenge.HttpContent }, ct);
                default:
                    throw Unsupported(challenge);
            }
        }

        public Task UnpublishAsync(PendingChallenge challenge, CancellationToken ct)
        {
            switch (challenge.Type)
            {
                case ChallengeAnswers.Dns01:
                case ChallengeAnswers.DnsAccount01:
                case ChallengeAnswers.DnsPersist01:
                    return PostAsync("clear-txt", new JObject { ["host"] = challenge.RecordName + "." }, ct);
                case ChallengeAnswers.Http01:
                    return PostAsync("del-http01", new JObject { ["token"] = challenge.Token }, ct);
                default:
                    throw Unsupported(challenge);
            }
        }

        private static AcmeException Unsupported(PendingChallenge c) =>
            new AcmeException("AcmePluginChallengeTypeUnsupported", AcmeErrorKind.InvalidArgument,
                $"The ChallTestSrv plugin publishes dns-01 (also dns-account-01, dns-persist-01) and http-01 answers, not {c.Type}.") { Target = c.Identifier };

        private async Task PostAsync(string path, JObject body, CancellationToken ct)
        {
            var url = new Uri(_management, path);
            HttpResponseMessage response;
            try
            {
                response = await Http.PostAsync(url, new StringContent(body.ToString(Newtonsoft.Json.Formatting.None), Encoding.UTF8, "application/json"), ct)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                throw new AcmeException("AcmePluginUnreachable", AcmeErrorKind.ConnectionError,
                    $"pebble-challtestsrv at {_management} could not be reached: {ex.Message}", ex) { Target = _management };
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                    throw new AcmeException("AcmePluginRequestFailed", AcmeErrorKind.InvalidOperation,
                        $"pebble-challtestsrv answered HTTP {(int)response.StatusCode} to {path}.") { Target = _management };
            }
        }
    }
}
