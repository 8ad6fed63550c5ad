using System;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Vault;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Dns.Providers.AcmeDns
{
    /// <summary>An acme-dns account: what POST /register returns. The password is a secret.</summary>
    public sealed class AcmeDnsRegistration
    {
        [JsonProperty("username")] public string UserName { get; set; }
        [JsonProperty("password")] public string Password { get; set; }
        [JsonProperty("fulldomain")] public string FullDomain { get; set; }
        [JsonProperty("subdomain")] public string SubDomain { get; set; }
        [JsonProperty("server")] public string Server { get; set; }
    }

    /// <summary>
    /// The acme-dns API (https://github.com/joohoi/acme-dns): one registration per name, kept in the vault as a secret
    /// file plugins/acmedns/&lt;server host&gt;/&lt;name&gt;.json; TXT updates with X-Api-User/X-Api-Key. acme-dns keeps the
    /// two latest values of a subdomain (a name and its wildcard) and cannot delete them.
    /// </summary>
    public sealed class AcmeDnsClient
    {
        private const string Name = "acme-dns";
        private readonly Uri _server;
        private readonly IRestTransport _transport;
        private readonly IVaultStore _store;

        public AcmeDnsClient(Uri server, IVaultStore store, IRestTransport transport = null)
        {
            if (server == null || !server.IsAbsoluteUri) throw new ArgumentException("An absolute acme-dns server URL is needed.", nameof(server));
            string s = server.AbsoluteUri;
            _server = new Uri(s.EndsWith("/") ? s : s + "/");
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _transport = transport ?? HttpRestTransport.Instance;
        }

        /// <summary>The name the registration is for: the identifier without "*." (a name and its wildcard share one).</summary>
        public static string BaseName(string identifier) => DnsNames.Normalize(identifier.StartsWith("*.", StringComparison.Ordinal) ? identifier.Substring(2) : identifier);

        public string VaultPath(string identifier) =>
            $"plugins/acmedns/{SafeHost()}/{BaseName(identifier)}.json";

        private string SafeHost() => _server.IsDefaultPort ? _server.Host : $"{_server.Host}_{_server.Port}";

        /// <summary>The stored registration for the name, or null.</summary>
        public AcmeDnsRegistration Find(string identifier)
        {
            string text = _store.Read(VaultPath(identifier));
            return text == null ? null : JsonConvert.DeserializeObject<AcmeDnsRegistration>(text);
        }

        /// <summary>Registers a new acme-dns account for the name and stores it (as a secret file).</summary>
        public async Task<AcmeDnsRegistration> RegisterAsync(string identifier, string[] allowFrom, CancellationToken ct)
        {
            var request = new RestRequest("POST", new Uri(_server, "register"));
            request.Body = allowFrom != null && allowFrom.Length > 0 ? new JObject { ["allowfrom"] = new JArray(allowFrom) }.ToString(Formatting.None) : "{}";
            var response = await _transport.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccess) throw ProviderErrors.ForResponse(Name, "register", response, ErrorText(response));
            AcmeDnsRegistration registration;
            try { registration = JsonConvert.DeserializeObject<AcmeDnsRegistration>(response.Body); }
            catch (JsonException ex) { throw ProviderErrors.BadAnswer(Name, "register", ex); }
            if (registration == null || string.IsNullOrEmpty(registration.UserName) || string.IsNullOrEmpty(registration.Password) || string.IsNullOrEmpty(registration.FullDomain))
                throw ProviderErrors.BadAnswer(Name, "register");
            registration.Server = _server.AbsoluteUri;
            _store.Write(VaultPath(identifier), JsonConvert.SerializeObject(registration, Formatting.Indented), secret: true);
            return registration;
        }

        /// <summary>Sets the TXT value of the registration's subdomain (acme-dns keeps the latest two).</summary>
        public async Task UpdateAsync(AcmeDnsRegistration registration, string value, CancellationToken ct)
        {
            var request = new RestRequest("POST", new Uri(_server, "update"));
            request.Headers["X-Api-User"] = registration.UserName;
            request.Headers["X-Api-Key"] = registration.Password;
            request.Body = new JObject { ["subdomain"] = registration.SubDomain, ["txt"] = value }.ToString(Formatting.None);
            var response = await _transport.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccess) throw ProviderErrors.ForResponse(Name, $"update {registration.FullDomain}", response, ErrorText(response));
        }

        private static string ErrorText(RestResponse response)
        {
            try { return (string)JObject.Parse(response.Body)["error"]; }
            catch (JsonException) { return null; }
        }
    }
}
