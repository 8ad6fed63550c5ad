using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Challenges;
using AcmePS.Core.Http;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    public static class OrderOperations
    {
        /// <summary>Validates the names, asks the CA for an order and stores it. Nothing is written when anything fails.</summary>
        public static Task<OrderRecord> NewOrderAsync(AcmeSession session, IEnumerable<string> dnsNames, string name, CancellationToken ct) =>
            NewOrderAsync(session, Identifiers.Normalize(dnsNames, null), name, ct);

        public static Task<OrderRecord> NewOrderAsync(AcmeSession session, OrderIdentifiers identifiers, string name, CancellationToken ct) =>
            NewOrderAsync(session, identifiers, name, null, ct);

        /// <summary>
        /// With <paramref name="options"/>: a validity period, a profile (checked against the directory's meta.profiles
        /// before anything is sent) and the certificate replaced (sent again without it when the CA answers alreadyReplaced).
        /// </summary>
        public static async Task<OrderRecord> NewOrderAsync(AcmeSession session, OrderIdentifiers identifiers, string name, NewOrderOptions options,
            CancellationToken ct)
        {
            string orderName = Identifiers.ValidateOrderName(name ?? Identifiers.DefaultOrderName(identifiers.All));
            options = options ?? new NewOrderOptions();
            CheckValidity(options.NotBefore, options.NotAfter);
            var account = session.RequireAccount();
            var signer = session.Signer;
            var previous = session.Vault.GetOrder(session.Server.Id, account.Id, orderName);
            if (!string.IsNullOrEmpty(options.Profile)) await CheckProfileAsync(session, options.Profile, ct).ConfigureAwait(false);
            else if (!string.IsNullOrEmpty(previous?.Profile))
            {
                // Like the key type and the preferred chain, the profile stays for later certificates of the name (a
                // renewal keeps it), while the CA still offers it.
                if (await OffersProfileAsync(session, previous.Profile, ct).ConfigureAwait(false))
                    options = Copy(options, previous.Profile, options.Replaces);
                else
                    AcmeTrace.Write($"the CA no longer offers the profile '{previous.Profile}' of '{orderName}'; ordering with its default");
            }
            AcmeOrderResource resource;
            try
            {
                resource = await session.Client.NewOrderAsync(signer, identifiers.ToAcme(), options, ct).ConfigureAwait(false);
            }
            catch (AcmeProblemException ex) when (ex.Problem.Is("alreadyReplaced") && !string.IsNullOrEmpty(options.Replaces))
            {
                // RFC 9773 §5: the certificate was replaced already (by another order); this order replaces nothing.
                AcmeTrace.Write($"the CA says {options.Replaces} was already replaced; ordering again without \"replaces\"");
                options = Copy(options, options.Profile, null);
                resource = await session.Client.NewOrderAsync(signer, identifiers.ToAcme(), options, ct).ConfigureAwait(false);
            }
            var record = new OrderRecord
            {
                Name = orderName,
                ServerId = session.Server.Id,
                AccountId = account.Id,
                DnsNames = identifiers.DnsNames.ToList(),
                IpAddresses = identifiers.IpAddresses.ToList(),
                Created = DateTimeOffset.UtcNow,
                KeyType = previous?.KeyType,
                PreferredChain = previous?.PreferredChain,
                ReuseKey = previous?.ReuseKey ?? false,
                // A certificate issued for an earlier order of this name stays usable until a new one replaces it.
                Certificate = previous?.Certificate,
                Renewal = previous?.Renewal,
                Profile = string.IsNullOrEmpty(resource.Profile) ? options.Profile : resource.Profile,
                RequestedLifetime = options.NotAfter.HasValue ? options.NotAfter.Value - (options.NotBefore ?? DateTimeOffset.UtcNow) : (TimeSpan?)null,
                Replaces = options.Replaces,
            };
            Apply(record, resource);
            session.Vault.SaveOrder(record);
            return record;
        }

        private static void CheckValidity(DateTimeOffset? notBefore, DateTimeOffset? notAfter)
        {
            if (notAfter.HasValue && notAfter.Value <= (notBefore ?? DateTimeOffset.UtcNow))
                throw new AcmeException("AcmeOrderValidityInvalid", AcmeErrorKind.InvalidArgument,
                    $"-NotAfter ({notAfter.Value.UtcDateTime:u}) must be later than " + (notBefore.HasValue ? $"-NotBefore ({notBefore.Value.UtcDateTime:u})." : "now."))
                { Target = notAfter.Value };
        }

        private static NewOrderOptions Copy(NewOrderOptions o, string profile, string replaces) =>
            new NewOrderOptions { NotBefore = o.NotBefore, NotAfter = o.NotAfter, Profile = profile, Replaces = replaces };

        private static async Task<bool> OffersProfileAsync(AcmeSession session, string profile, CancellationToken ct)
        {
            var directory = await session.Client.GetDirectoryAsync(ct).ConfigureAwait(false);
            return directory.Meta?.Profiles != null && directory.Meta.Profiles.ContainsKey(profile);
        }

        /// <summary>An unknown profile is refused before the order is sent, with the names the CA offers.</summary>
        public static async Task CheckProfileAsync(AcmeSession session, string profile, CancellationToken ct)
        {
            if (await OffersProfileAsync(session, profile, ct).ConfigureAwait(false)) return;
            var directory = await session.Client.GetDirectoryAsync(ct).ConfigureAwait(false);
            var offered = directory.Meta?.Profiles ?? new Dictionary<string, string>();
            string what = offered.Count == 0 ? $"{session.Server.Name} offers no profiles (its directory has no meta.profiles)."
                : $"{session.Server.Name} offers: {string.Join(", ", offered.Keys)}.";
            throw new AcmeException("AcmeProfileUnknown", AcmeErrorKind.InvalidArgument, $"The CA has no profile '{profile}': {what}") { Target = profile };
        }

        public static OrderRecord Find(AcmeSession session, string name)
        {
            var account = session.RequireAccount();
            var order = session.Vault.GetOrder(session.Server.Id, account.Id, name)
                ?? session.Vault.GetOrder(session.Server.Id, account.Id, name.Replace('*', '!'));
            if (order == null)
                throw new AcmeException("AcmeOrderNotFound", AcmeErrorKind.NotFound,
                    $"There is no order '{name}' for account {account.Id} at {session.Server.Name}.") { Target = name };
            return order;
        }

        public static IReadOnlyList<OrderRecord> List(AcmeSession session) =>
            session.Account == null ? new OrderRecord[0] : session.Vault.Orders(session.Server.Id, session.Account.Id);

        /// <summary>Reads the order from the CA and stores what changed.</summary>
        public static async Task<OrderRecord> RefreshAsync(AcmeSession session, OrderRecord order, CancellationToken ct)
        {
            var resource = await session.Client.GetOrderAsync(session.Signer, order.Url, ct).ConfigureAwait(false);
            Apply(order, resource);
            session.Vault.SaveOrder(order);
            return order;
        }

        internal static void Apply(OrderRecord record, AcmeOrderResource resource)
        {
            record.Url = resource.Location ?? record.Url;
            record.Status = resource.Status;
            record.Expires = resource.Expires;
            if (resource.Authorizations != null && resource.Authorizations.Count > 0) record.Authorizations = resource.Authorizations;
            record.Finalize = resource.Finalize ?? record.Finalize;
            record.CertificateUrl = resource.Certificate ?? record.CertificateUrl;
            record.Error = resource.Error;
            if (!string.IsNullOrEmpty(resource.Profile)) record.Profile = resource.Profile;
            record.Updated = DateTimeOffset.UtcNow;
        }

        /// <summary>
        /// The challenges of type <paramref name="type"/> for every pending (or already valid) authorization of the order, with their answers
        /// computed. Refuses a type the CA does not offer for a name (for example http-01 for a wildcard).
        /// </summary>
        public static async Task<IReadOnlyList<PendingChallenge>> GetChallengesAsync(AcmeSession session, OrderRecord order, string type,
            CancellationToken ct)
        {
            var signer = session.Signer;
            var authorizations = await Task.WhenAll(order.Authorizations.Select(a => session.Client.GetAuthorizationAsync(signer, a, ct))).ConfigureAwait(false);
            var result = new List<PendingChallenge>();
            // An authorization the CA already holds as valid (reused from an earlier order) is written too, with
            // status valid: plugins pass it through without publishing, Submit skips it, and the pipeline still
            // reaches Complete-AcmeOrder when every name was validated before.
            foreach (var authz in authorizations.Where(a => a.Status == AcmeStatus.Pending || a.Status == AcmeStatus.Valid))
            {
                var challenge = authz.Challenges.FirstOrDefault(c => c.Type == type)
                    ?? (authz.Status == AcmeStatus.Valid ? authz.Challenges.FirstOrDefault(c => c.Status == AcmeStatus.Valid) : null);
                if (challenge == null)
                {
                    string offered = string.Join(", ", authz.Challenges.Select(c => c.Type));
                    string hint = authz.Wildcard ? " A wildcard name needs a DNS challenge: dns-01 (or dns-account-01, dns-persist-01 where the CA offers them)." : "";
                    throw new AcmeException("AcmeChallengeTypeNotOffered", AcmeErrorKind.InvalidArgument,
                        $"The CA offers no {type} challenge for '{authz.OrderIdentifier}' (it offers: {offered}).{hint}") { Target = authz.OrderIdentifier };
                }
                result.Add(PendingChallenges.Build(order, authz, challenge, signer));
            }
            return result;
        }
    }
}
