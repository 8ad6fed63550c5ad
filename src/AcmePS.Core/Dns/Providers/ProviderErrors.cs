using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Dns.Providers
{
    /// <summary>The errors every provider reports the same way.</summary>
    public static class ProviderErrors
    {
        /// <summary>
        /// AcmePluginAuthenticationFailed for 401/403, AcmePluginRequestFailed otherwise; <paramref name="detail"/> is
        /// the provider's own message (never a request header).
        /// </summary>
        public static AcmeException ForResponse(string provider, string what, RestResponse response, string detail)
        {
            detail = Shorten(detail);
            string suffix = string.IsNullOrEmpty(detail) ? "" : ": " + detail;
            if (response.StatusCode == 401 || response.StatusCode == 403)
                return new AcmeException("AcmePluginAuthenticationFailed", AcmeErrorKind.PermissionDenied,
                    $"{provider} refused the credentials (HTTP {response.StatusCode}) to {what}{suffix}. Check the token or key and its permissions.") { Target = provider };
            return new AcmeException("AcmePluginRequestFailed", AcmeErrorKind.InvalidOperation,
                $"{provider} answered HTTP {response.StatusCode} to {what}{suffix}") { Target = provider };
        }

        public static AcmeException ZoneNotFound(string provider, string recordName, string where) =>
            new AcmeException("AcmeDnsZoneNotFound", AcmeErrorKind.NotFound,
                $"{provider} has no zone for {recordName} {where}.") { Target = recordName };

        public static AcmeException CredentialMissing(string provider, string message) =>
            new AcmeException("AcmePluginCredentialMissing", AcmeErrorKind.InvalidArgument, $"{provider}: {message}") { Target = provider };

        public static AcmeException BadAnswer(string provider, string what, Exception inner = null) =>
            new AcmeException("AcmePluginRequestFailed", AcmeErrorKind.InvalidData, $"{provider} gave an answer AcmePS cannot read to {what}.", inner) { Target = provider };

        private static string Shorten(string text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            text = text.Replace("\r", " ").Replace("\n", " ").Trim();
            return text.Length > 300 ? text.Substring(0, 300) + "…" : text;
        }
    }
}
