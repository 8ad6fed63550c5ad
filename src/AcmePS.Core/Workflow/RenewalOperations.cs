using System;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Crypto;
using AcmePS.Core.Http;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    /// <summary>When a certificate is due for renewal, as Get-AcmeRenewalInfo shows it and Submit-AcmeRenewal uses it.</summary>
    public sealed class RenewalStatus
    {
        public string CertificateId { get; set; }
        public DateTimeOffset NotBefore { get; set; }
        public DateTimeOffset NotAfter { get; set; }
        /// <summary>The CA's suggested window (ARI); without ARI the single point of the lifetime rule.</summary>
        public DateTimeOffset WindowStart { get; set; }
        public DateTimeOffset WindowEnd { get; set; }
        public DateTimeOffset RenewAt { get; set; }
        /// <summary>"ARI" when the CA suggested the window, "Lifetime" when it comes from the lifetime rule.</summary>
        public string Source { get; set; }
        public TimeSpan? RetryAfter { get; set; }
        public DateTimeOffset? NextCheck { get; set; }
        public Uri ExplanationUrl { get; set; }
        public bool IsDue { get; set; }
    }

    /// <summary>
    /// ARI (RFC 9773): the CA's suggested renewal window for a certificate, and a renewal time chosen at random in it
    /// and kept in the vault until the window changes. Without ARI, a certificate is due at two thirds of its lifetime
    /// (half of it for lifetimes under 10 days).
    /// </summary>
    public static class RenewalOperations
    {
        private static readonly Random Random = new Random();

        /// <summary>The renewal status of the order's certificate; the CA is asked unless its Retry-After has not passed.</summary>
        public static async Task<RenewalStatus> GetStatusAsync(AcmeSession session, OrderRecord order, CancellationToken ct)
        {
            var certificate = order.Certificate ?? throw new AcmeException("AcmeCertificateNotFound", AcmeErrorKind.NotFound,
                $"The order '{order.Name}' has no certificate.") { Target = order.Name };
            string pem = session.Vault.ReadOrderFile(order, CertificateOperations.ChainFileOf(order)) ?? throw new AcmeException("AcmeCertificateNotFound",
                AcmeErrorKind.NotFound, $"The certificate file of '{order.Name}' is missing from the vault.") { Target = order.Name };
            string id = CertificateId.ForPem(pem);
            var now = DateTimeOffset.UtcNow;
            var record = order.Renewal != null && order.Renewal.CertificateId == id ? order.Renewal : new RenewalRecord { CertificateId = id };

            bool ask = record.NextCheck == null || record.NextCheck <= now || record.WindowStart == null;
            if (ask)
            {
                RenewalInfoResource info = null;
                try
                {
                    info = await session.Client.GetRenewalInfoAsync(id, ct).ConfigureAwait(false);
                }
                catch (AcmeException ex) when (!(ex is AcmeProblemException p && p.HttpStatus < 500 && p.HttpStatus != 404))
                {
                    // The CA's ARI being down must not stop renewals: the last window read, else the lifetime rule.
                    AcmeTrace.Write($"renewalInfo for {order.Name} failed ({ex.Message}); using "
                        + (record.WindowStart != null ? $"the window read at {record.Checked:u}" : "the lifetime rule"));
                }
                if (info != null)
                {
                    var window = info.SuggestedWindow;
                    bool changed = record.WindowStart != window.Start || record.WindowEnd != window.End;
                    record.WindowStart = window.Start;
                    record.WindowEnd = window.End;
                    if (changed) record.RenewAt = Choose(window.Start, window.End);
                    record.ExplanationUrl = info.ExplanationUrl;
                    record.Checked = now;
                    record.NextCheck = info.RetryAfter.HasValue ? now + info.RetryAfter.Value : (DateTimeOffset?)null;
                    order.Renewal = record;
                    session.Vault.SaveOrder(order);
                }
                else if (record.WindowStart == null)
                {
                    return ByLifetime(id, certificate, now);
                }
            }
            return new RenewalStatus
            {
                CertificateId = id,
                NotBefore = certificate.NotBefore,
                NotAfter = certificate.NotAfter,
                WindowStart = record.WindowStart.Value,
                WindowEnd = record.WindowEnd.Value,
                RenewAt = record.RenewAt,
                Source = "ARI",
                RetryAfter = record.NextCheck.HasValue && record.Checked.HasValue ? record.NextCheck - record.Checked : null,
                NextCheck = record.NextCheck,
                ExplanationUrl = record.ExplanationUrl,
                // A window that has already ended means: renew now (RFC 9773 §4.2).
                IsDue = now >= record.RenewAt || now >= record.WindowEnd,
            };
        }

        /// <summary>Without ARI: at two thirds of the lifetime, or at half of it when the lifetime is under 10 days.</summary>
        public static RenewalStatus ByLifetime(string id, CertificateRecord certificate, DateTimeOffset now)
        {
            var lifetime = certificate.NotAfter - certificate.NotBefore;
            double share = lifetime < TimeSpan.FromDays(10) ? 0.5 : 2.0 / 3.0;
            var at = certificate.NotBefore + TimeSpan.FromTicks((long)(lifetime.Ticks * share));
            return new RenewalStatus
            {
                CertificateId = id,
                NotBefore = certificate.NotBefore,
                NotAfter = certificate.NotAfter,
                WindowStart = at,
                WindowEnd = at,
                RenewAt = at,
                Source = "Lifetime",
                IsDue = now >= at,
            };
        }

        /// <summary>
        /// The ARI id for -Replaces: a certificate of the vault by its name (of this session's account), else text that
        /// is an ARI certificate id already.
        /// </summary>
        public static string ResolveReplaces(AcmeSession session, string value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            value = value.Trim();
            var account = session.Account;
            var order = account == null ? null
                : session.Vault.GetOrder(session.Server.Id, account.Id, value) ?? session.Vault.GetOrder(session.Server.Id, account.Id, value.Replace('*', '!'));
            string pem = order?.Certificate != null ? session.Vault.ReadOrderFile(order, CertificateOperations.ChainFileOf(order)) : null;
            if (pem != null) return CertificateId.ForPem(pem);
            if (CertificateId.LooksLikeId(value) && CertificateId.SerialHex(value) != null) return value;
            throw new AcmeException("AcmeCertificateNotFound", AcmeErrorKind.NotFound,
                $"-Replaces '{value}' is neither a certificate in the vault nor an ARI certificate id (<AKI>.<serial>, base64url).") { Target = value };
        }

        /// <summary>A uniformly random point in [start, end] (RFC 9773 §4.2: spreads the CA's load).</summary>
        public static DateTimeOffset Choose(DateTimeOffset start, DateTimeOffset end)
        {
            double r;
            lock (Random) r = Random.NextDouble();
            return start + TimeSpan.FromTicks((long)((end - start).Ticks * r));
        }
    }
}
