using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AcmePS.Core.Challenges;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    public static class OrderOperations
    {
        /// <summary>Validates the names, asks the CA for an order and stores it. Nothing is written when anything fails.</summary>
        public static Task<OrderRecord> NewOrderAsync(AcmeSession session, IEnumerable<string> dnsNames, string name, CancellationToken ct) =>
            NewOrderAsync(session, Identifiers.Normalize(dnsNames, null), name, ct);

        public static async Task<OrderRecord> NewOrderAsync(AcmeSession session, OrderIdentifiers identifiers, string name, CancellationToken ct)
        {
            string orderName = Identifiers.ValidateOrderName(name ?? Identifiers.DefaultOrderName(identifiers.All));
            var account = session.RequireAccount();
            var signer = session.Signer;
            var resource = await session.Client.NewOrderAsync(signer, identifiers.ToAcme(), null, null, ct).ConfigureAwait(false);
            var previous = session.Vault.GetOrder(session.Server.Id, account.Id, orderName);
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
                // A certificate issued for an earlier order of this name stays usable until a new one replaces it.
                Certificate = previous?.Certificate,
            };
            Apply(record, resource);
            session.Vault.SaveOrder(record);
            return record;
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
