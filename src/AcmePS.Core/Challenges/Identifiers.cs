using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;

namespace AcmePS.Core.Challenges
{
    /// <summary>The names of one order: DNS names, then IP addresses.</summary>
    public sealed class OrderIdentifiers
    {
        public OrderIdentifiers(IReadOnlyList<string> dnsNames, IReadOnlyList<string> ipAddresses)
        {
            DnsNames = dnsNames;
            IpAddresses = ipAddresses;
        }

        public IReadOnlyList<string> DnsNames { get; }

        public IReadOnlyList<string> IpAddresses { get; }

        public IReadOnlyList<string> All => DnsNames.Concat(IpAddresses).ToList();

        public IEnumerable<AcmeIdentifier> ToAcme() =>
            DnsNames.Select(n => new AcmeIdentifier("dns", n)).Concat(IpAddresses.Select(a => new AcmeIdentifier("ip", a)));
    }

    /// <summary>Checks and normalises the names a user asks a certificate for, before anything is sent or written.</summary>
    public static class Identifiers
    {
        private static readonly Regex Label = new Regex("^(?!-)[a-z0-9-]{1,63}(?<!-)$", RegexOptions.Compiled);
        private static readonly IdnMapping Idn = new IdnMapping();

        /// <summary>
        /// Lower-cases, converts international names to their ASCII (punycode) form, removes duplicates and a trailing
        /// dot, and rejects anything a CA would refuse: bad labels, a wildcard anywhere but the whole first label, an IP
        /// address given as a DNS name, a single-label name.
        /// </summary>
        public static IReadOnlyList<string> NormalizeDnsNames(IEnumerable<string> names)
        {
            var result = new List<string>();
            // One value may hold several names ("a.example.com; b.example.com", as a CSV cell does): no name has
            // a comma, semicolon or space in it, so they only ever separate names.
            foreach (string raw in (names ?? Enumerable.Empty<string>()).SelectMany(SplitList))
            {
                string name = Normalize(raw);
                if (!result.Contains(name)) result.Add(name);
            }
            if (result.Count == 0)
                throw new AcmeException("AcmeDnsNameMissing", AcmeErrorKind.InvalidArgument, "No DNS name was given: an order needs at least one.");
            return result;
        }

        private static IEnumerable<string> SplitList(string value)
        {
            var parts = (value ?? string.Empty).Split(new[] { ',', ';', ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);
            return parts.Length == 0 ? new[] { value } : parts;
        }

        private static string Normalize(string raw)
        {
            string name = (raw ?? string.Empty).Trim().TrimEnd('.');
            if (name.Length == 0) throw Invalid(raw, "it is empty");
            if (IPAddress.TryParse(name, out _)) throw Invalid(raw, "it is an IP address, not a DNS name");
            bool wildcard = name.StartsWith("*.", StringComparison.Ordinal);
            string rest = wildcard ? name.Substring(2) : name;
            string ascii;
            try
            {
                ascii = Idn.GetAscii(rest).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                throw Invalid(raw, "it is not a valid host name");
            }
            string[] labels = ascii.Split('.');
            if (labels.Length < 2) throw Invalid(raw, "a certificate name needs at least two labels (name.tld)");
            foreach (string label in labels)
            {
                if (label == "*") throw Invalid(raw, "a wildcard must be the whole first label (*.example.com)");
                if (!Label.IsMatch(label)) throw Invalid(raw, $"the label '{label}' is not a valid DNS label (letters, digits, '-', at most 63)");
            }
            if (ascii.Length > 253) throw Invalid(raw, "it is longer than 253 characters");
            return wildcard ? "*." + ascii : ascii;
        }

        private static AcmeException Invalid(string name, string why) =>
            new AcmeException("AcmeDnsNameInvalid", AcmeErrorKind.InvalidArgument, $"'{name}' is not a valid DNS name for a certificate: {why}.") { Target = name };

        /// <summary>A default order name: the first name, with '*' written as '!' (and an IPv6 ':' as '-') so that it is a valid file name everywhere.</summary>
        public static string DefaultOrderName(IReadOnlyList<string> names) => names[0].Replace('*', '!').Replace(':', '-');

        /// <summary>
        /// IP addresses for a certificate (RFC 8738), in their canonical text form (IPv6 compressed, lower case),
        /// without duplicates; one value may list several, as for DNS names.
        /// </summary>
        public static IReadOnlyList<string> NormalizeIpAddresses(IEnumerable<string> addresses)
        {
            var result = new List<string>();
            foreach (string raw in (addresses ?? Enumerable.Empty<string>()).SelectMany(SplitList))
            {
                string text = (raw ?? string.Empty).Trim().Trim('[', ']');
                if (!IPAddress.TryParse(text, out IPAddress address) || (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
                        && address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) || text.Contains("%"))
                    throw new AcmeException("AcmeIpAddressInvalid", AcmeErrorKind.InvalidArgument,
                        $"'{raw}' is not an IPv4 or IPv6 address.") { Target = raw };
                if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
                string canonical = address.ToString().ToLowerInvariant();
                if (!result.Contains(canonical)) result.Add(canonical);
            }
            return result;
        }

        /// <summary>DNS names and IP addresses of one order, checked; at least one identifier in all.</summary>
        public static OrderIdentifiers Normalize(IEnumerable<string> dnsNames, IEnumerable<string> ipAddresses)
        {
            var ips = NormalizeIpAddresses(ipAddresses);
            bool anyDns = dnsNames != null && dnsNames.Any();
            if (!anyDns && ips.Count == 0)
                throw new AcmeException("AcmeIdentifierMissing", AcmeErrorKind.InvalidArgument,
                    "No DNS name or IP address was given: an order needs at least one (-DnsName, -IPAddress).");
            var dns = anyDns ? NormalizeDnsNames(dnsNames) : new string[0];
            return new OrderIdentifiers(dns, ips);
        }

        private static readonly Regex SafeName = new Regex("^[A-Za-z0-9!._-]{1,100}$", RegexOptions.Compiled);

        public static string ValidateOrderName(string name)
        {
            if (name == null || !SafeName.IsMatch(name) || name == "." || name == "..")
                throw new AcmeException("AcmeOrderNameInvalid", AcmeErrorKind.InvalidArgument,
                    $"'{name}' is not a valid order name: use 1-100 letters, digits, '!', '.', '_' or '-'.") { Target = name };
            return name;
        }
    }
}
