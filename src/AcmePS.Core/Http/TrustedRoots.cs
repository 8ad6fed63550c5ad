using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace AcmePS.Core.Http
{
    /// <summary>
    /// Extra roots a server is trusted through (a test CA such as Pebble). The system's trust still applies; a
    /// chain that ends in one of these roots is accepted too. The host name is always checked.
    /// </summary>
    public sealed class TrustedRoots
    {
        private static readonly Regex PemBlock = new Regex(
            "-----BEGIN CERTIFICATE-----(?<b64>[A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----", RegexOptions.Compiled);

        private readonly X509Certificate2[] _roots;

        private TrustedRoots(X509Certificate2[] roots, string pem)
        {
            _roots = roots;
            Pem = pem;
        }

        public string Pem { get; }

        public static TrustedRoots FromPem(string pem)
        {
            X509Certificate2[] roots;
            try
            {
                roots = PemBlock.Matches(pem ?? string.Empty).Cast<Match>()
                    .Select(m => new X509Certificate2(Convert.FromBase64String(Regex.Replace(m.Groups["b64"].Value, "\\s", ""))))
                    .ToArray();
            }
            catch (Exception ex) when (ex is FormatException || ex is CryptographicException)
            {
                throw new AcmeException("AcmeTrustedRootInvalid", AcmeErrorKind.InvalidArgument,
                    "The trusted root file has a PEM block that is not a readable certificate.", ex);
            }
            if (roots.Length == 0)
                throw new AcmeException("AcmeTrustedRootInvalid", AcmeErrorKind.InvalidArgument,
                    "The trusted root file holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            return new TrustedRoots(roots, pem);
        }

        public string Key => string.Join(",", _roots.Select(r => r.Thumbprint).OrderBy(t => t, StringComparer.Ordinal));

        public bool Validate(X509Certificate2 certificate, X509Chain systemChain, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None) return true;
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0 || certificate == null) return false;
            using (var chain = new X509Chain())
            {
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                chain.ChainPolicy.ExtraStore.AddRange(_roots);
                if (systemChain != null)
                    foreach (var element in systemChain.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                if (!chain.Build(certificate)) return false;
                var top = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
                bool endsInOurRoot = _roots.Any(r => string.Equals(r.Thumbprint, top.Thumbprint, StringComparison.OrdinalIgnoreCase));
                bool onlyUnknownRoot = chain.ChainStatus.All(s => s.Status == X509ChainStatusFlags.NoError
                                                                 || s.Status == X509ChainStatusFlags.UntrustedRoot);
                return endsInOurRoot && onlyUnknownRoot;
            }
        }
    }
}
