using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AcmePS.Core.Dns.Providers
{
    /// <summary>Names: the zone candidates of a record name, longest first.</summary>
    public static class DnsNames
    {
        public static string Normalize(string name) => (name ?? "").Trim().TrimEnd('.').ToLowerInvariant();

        /// <summary>"_acme-challenge.a.example.com" → "a.example.com", "example.com", "com".</summary>
        public static IEnumerable<string> ParentZones(string recordName)
        {
            string name = Normalize(recordName);
            int dot = name.IndexOf('.');
            while (dot >= 0)
            {
                name = name.Substring(dot + 1);
                if (name.Length > 0) yield return name;
                dot = name.IndexOf('.');
            }
        }

        /// <summary>The longest of <paramref name="zones"/> that <paramref name="recordName"/> is in, or null.</summary>
        public static string LongestSuffix(string recordName, IEnumerable<string> zones)
        {
            string name = Normalize(recordName);
            return zones.Select(Normalize)
                .Where(z => name == z || name.EndsWith("." + z, StringComparison.Ordinal))
                .OrderByDescending(z => z.Length).FirstOrDefault();
        }

        /// <summary>The part of <paramref name="recordName"/> below <paramref name="zone"/>; "@" for the apex.</summary>
        public static string Relative(string recordName, string zone)
        {
            string name = Normalize(recordName), z = Normalize(zone);
            return name == z ? "@" : name.Substring(0, name.Length - z.Length - 1);
        }
    }
}
