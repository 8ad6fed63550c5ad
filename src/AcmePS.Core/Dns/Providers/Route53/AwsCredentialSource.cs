using System;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Util;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Dns.Providers.Route53
{
    /// <summary>
    /// Where Route53 credentials come from: the given key, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    /// (/ AWS_SESSION_TOKEN), else the EC2 instance metadata service (IMDSv2: a session token, then the role's
    /// temporary credentials), cached per process until 5 minutes before they expire.
    /// </summary>
    public sealed class AwsCredentialSource
    {
        public static readonly Uri DefaultImdsUrl = new Uri("http://169.254.169.254/");
        private static readonly object CacheLock = new object();
        private static AwsCredentials _cached;
        private static string _cachedFrom;
        private const string Name = "Route53";

        private readonly AwsCredentials _given;
        private readonly Uri _imds;
        private readonly IRestTransport _transport;
        private readonly Func<string, string> _environment;
        private readonly IClock _clock;

        public AwsCredentialSource(AwsCredentials given = null, Uri imdsUrl = null, IRestTransport transport = null,
            Func<string, string> environment = null, IClock clock = null)
        {
            _given = given;
            _environment = environment ?? Environment.GetEnvironmentVariable;
            string env = _environment("ACMEPS_AWS_IMDS_URL");
            string imds = (imdsUrl ?? (string.IsNullOrEmpty(env) ? DefaultImdsUrl : new Uri(env))).AbsoluteUri;
            _imds = new Uri(imds.EndsWith("/") ? imds : imds + "/");
            _transport = transport ?? HttpRestTransport.Instance;
            _clock = clock ?? SystemClock.Instance;
        }

        public static void ClearCache()
        {
            lock (CacheLock) { _cached = null; _cachedFrom = null; }
        }

        public async Task<AwsCredentials> GetAsync(CancellationToken ct)
        {
            if (_given != null)
            {
                if (string.IsNullOrEmpty(_given.AccessKeyId) || string.IsNullOrEmpty(_given.SecretAccessKey))
                    throw ProviderErrors.CredentialMissing(Name, "-AccessKeyId and -SecretAccessKey go together.");
                return _given;
            }
            string id = _environment("AWS_ACCESS_KEY_ID"), secret = _environment("AWS_SECRET_ACCESS_KEY");
            if (!string.IsNullOrEmpty(id) && !string.IsNullOrEmpty(secret)) return new AwsCredentials(id, secret, _environment("AWS_SESSION_TOKEN"));
            lock (CacheLock)
                if (_cached != null && _cachedFrom == _imds.AbsoluteUri && _cached.Expiration - TimeSpan.FromMinutes(5) > _clock.UtcNow) return _cached;
            var credentials = await FromImdsAsync(ct).ConfigureAwait(false);
            lock (CacheLock) { _cached = credentials; _cachedFrom = _imds.AbsoluteUri; }
            return credentials;
        }

        private async Task<AwsCredentials> FromImdsAsync(CancellationToken ct)
        {
            var put = new RestRequest("PUT", new Uri(_imds, "latest/api/token"));
            put.Headers["X-aws-ec2-metadata-token-ttl-seconds"] = "21600";
            RestResponse tokenResponse;
            try { tokenResponse = await _transport.SendAsync(put, ct).ConfigureAwait(false); }
            catch (AcmeException ex) when (ex.ErrorId == "AcmePluginUnreachable")
            {
                throw ProviderErrors.CredentialMissing(Name,
                    "no credentials: give -AccessKeyId and -SecretAccessKey, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on EC2 with an instance role (the instance metadata service did not answer).");
            }
            if (!tokenResponse.IsSuccess) throw ProviderErrors.ForResponse(Name, "get an instance metadata (IMDSv2) token", tokenResponse, null);
            string token = tokenResponse.Body.Trim();

            string roles = await GetAsync("latest/meta-data/iam/security-credentials/", token, "list the instance's role", ct).ConfigureAwait(false);
            string role = roles.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries)[0].Trim();
            string body = await GetAsync("latest/meta-data/iam/security-credentials/" + Uri.EscapeDataString(role), token, "get the role's credentials", ct).ConfigureAwait(false);
            try
            {
                var json = JObject.Parse(body);
                if ((string)json["Code"] != "Success") throw ProviderErrors.BadAnswer(Name, "the role credentials request");
                return new AwsCredentials((string)json["AccessKeyId"], (string)json["SecretAccessKey"], (string)json["Token"],
                    DateTimeOffset.Parse((string)json["Expiration"], System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is ArgumentNullException)
            {
                throw ProviderErrors.BadAnswer(Name, "the role credentials request", ex);
            }
        }

        private async Task<string> GetAsync(string path, string token, string what, CancellationToken ct)
        {
            var request = new RestRequest("GET", new Uri(_imds, path));
            request.Headers["X-aws-ec2-metadata-token"] = token;
            var response = await _transport.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccess || string.IsNullOrWhiteSpace(response.Body))
            {
                if (response.StatusCode == 404) throw ProviderErrors.CredentialMissing(Name, "this instance has no IAM role (instance metadata: 404).");
                throw ProviderErrors.ForResponse(Name, what, response, null);
            }
            return response.Body;
        }
    }
}
