using System;
using System.Collections.Generic;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>
    /// The parts of an Azure Storage connection string the vault uses: AccountName with AccountKey (Shared Key), or
    /// SharedAccessSignature. The endpoint itself always comes from the vault URL.
    /// </summary>
    internal sealed class BlobConnectionString
    {
        public string AccountName { get; private set; }
        public string AccountKey { get; private set; }
        public string SharedAccessSignature { get; private set; }

        /// <summary>Parses "Name=value;..." (a value may hold '='). The message never repeats the string: it holds a key.</summary>
        public static BlobConnectionString Parse(string text, string source)
        {
            var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string part in text.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = part.IndexOf('=');
                if (eq <= 0) throw Invalid(source, "every part must be Name=value");
                parts[part.Substring(0, eq).Trim()] = part.Substring(eq + 1).Trim();
            }
            var cs = new BlobConnectionString
            {
                AccountName = Get(parts, "AccountName"),
                AccountKey = Get(parts, "AccountKey"),
                SharedAccessSignature = Get(parts, "SharedAccessSignature")?.TrimStart('?'),
            };
            if (cs.AccountKey != null && cs.AccountName == null) throw Invalid(source, "AccountKey is given without AccountName");
            if (cs.AccountKey == null && cs.SharedAccessSignature == null) throw Invalid(source, "it has neither AccountName/AccountKey nor SharedAccessSignature");
            if (cs.AccountKey != null && !IsBase64(cs.AccountKey)) throw Invalid(source, "AccountKey is not base64");
            return cs;
        }

        private static string Get(Dictionary<string, string> parts, string name) =>
            parts.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

        private static bool IsBase64(string s)
        {
            try { Convert.FromBase64String(s); return true; }
            catch (FormatException) { return false; }
        }

        private static AcmeException Invalid(string source, string why) =>
            new AcmeException("AcmeVaultCredentialInvalid", AcmeErrorKind.InvalidArgument, $"The connection string in {source} is not usable: {why}.") { Target = source };
    }
}
