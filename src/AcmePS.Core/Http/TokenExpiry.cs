using System;
using System.Globalization;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Http
{
    /// <summary>When an OAuth token answer (Entra ID, a managed identity endpoint) says its token expires.</summary>
    internal static class TokenExpiry
    {
        /// <summary>
        /// expires_in (seconds), else expires_on (Unix seconds, or a date as the 2017-09-01 MSI answer writes it); ten
        /// minutes from <paramref name="now"/> when the answer gives neither.
        /// </summary>
        public static DateTimeOffset From(JObject json, DateTimeOffset now)
        {
            string expiresIn = (string)json["expires_in"];
            string expiresOn = (string)json["expires_on"];
            if (long.TryParse(expiresIn, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds)) return now.AddSeconds(seconds);
            if (long.TryParse(expiresOn, NumberStyles.Integer, CultureInfo.InvariantCulture, out long unix)) return DateTimeOffset.FromUnixTimeSeconds(unix);
            if (DateTimeOffset.TryParse(expiresOn, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var on)) return on;
            return now.AddMinutes(10);
        }
    }
}
