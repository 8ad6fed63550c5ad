using System;
using System.Linq;
using System.Net;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>
    /// A vault location that is a blob container URL: https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;[/&lt;prefix&gt;]
    /// (or path style, as the emulator serves it: http://127.0.0.1:10000/&lt;account&gt;/&lt;container&gt;[/&lt;prefix&gt;]), with an
    /// optional SAS query. The SAS is kept apart from everything that is shown.
    /// </summary>
    internal sealed class BlobAddress
    {
        private BlobAddress() { }

        /// <summary>scheme://host[:port] and, path style, /account: what a container's path is appended to.</summary>
        public string ServiceRoot { get; private set; }

        /// <summary>The storage account's name; null for a custom domain (a connection string then names it).</summary>
        public string Account { get; private set; }

        public string Container { get; private set; }

        /// <summary>The folder inside the container the vault lives in, without slashes at either end; "" for none.</summary>
        public string Prefix { get; private set; }

        /// <summary>The SAS query without '?', or null.</summary>
        public string Sas { get; private set; }

        public bool PathStyle { get; private set; }

        /// <summary>The URL without its query: safe to print.</summary>
        public string Display => ServiceRoot + "/" + Container + (Prefix.Length > 0 ? "/" + Prefix : "");

        public static bool IsUrl(string location, out Uri uri) =>
            Uri.TryCreate(location, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

        public static BlobAddress Parse(string location)
        {
            if (!IsUrl(location, out var uri))
                throw Invalid(location, "it is not an http or https URL");
            string shown = uri.GetLeftPart(UriPartial.Path);
            var segments = uri.AbsolutePath.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
            // As the Azure SDK decides it: an IP address or localhost is the emulator's path style (account first).
            bool pathStyle = IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
            string authority = uri.GetLeftPart(UriPartial.Authority);
            string account;
            if (pathStyle)
            {
                if (segments.Count == 0) throw Invalid(shown, "a path-style URL names the account first, then the container");
                account = segments[0];
                segments.RemoveAt(0);
                authority += "/" + Uri.EscapeDataString(account);
            }
            else
            {
                int blob = uri.Host.IndexOf(".blob.", StringComparison.OrdinalIgnoreCase);
                account = blob > 0 ? uri.Host.Substring(0, blob) : null;
            }
            if (segments.Count == 0) throw Invalid(shown, "it names no container");
            string container = segments[0];
            if (container.Length < 3 || container.Length > 63 || !container.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                throw Invalid(shown, $"'{container}' is not a container name (3-63 lower-case letters, digits and '-')");
            string prefix = string.Join("/", segments.Skip(1));
            string query = uri.Query.TrimStart('?');
            string sas = null;
            if (query.Length > 0)
            {
                bool signed = query.Split('&').Any(p => p.StartsWith("sig=", StringComparison.Ordinal));
                if (!signed) throw Invalid(shown, "its query is not a SAS token (no sig=)");
                sas = query;
            }
            return new BlobAddress { ServiceRoot = authority, Account = account, Container = container, Prefix = prefix, Sas = sas, PathStyle = pathStyle };
        }

        /// <summary>The blob name of a vault path ("servers/x/server.json"), below the prefix.</summary>
        public string BlobName(string path) => Prefix.Length == 0 ? path : (path.Length == 0 ? Prefix : Prefix + "/" + path);

        private static AcmeException Invalid(string shown, string why) =>
            new AcmeException("AcmeVaultLocationInvalid", AcmeErrorKind.InvalidArgument,
                $"The vault location {shown} is not a blob container URL: {why}. Expected https://<account>.blob.core.windows.net/<container>[/<prefix>].")
            { Target = shown };
    }
}
