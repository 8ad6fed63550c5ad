using System.Linq;
using AcmePS.Core.Challenges;
using AcmePS.Core.Protocol;
using AcmePS.Core.Vault;

namespace AcmePS.Core.Workflow
{
    /// <summary>A challenge of an authorization with its answer computed for its type.</summary>
    internal static class PendingChallenges
    {
        public static PendingChallenge Build(OrderRecord order, AcmeAuthorizationResource authz, AcmeChallengeResource challenge, AcmeSigner signer)
        {
            string identifier = authz.OrderIdentifier;
            // dns-persist-01 has no token: nothing is derived from the key, the record names the account instead.
            string keyAuthorization = challenge.Token != null ? ChallengeAnswers.KeyAuthorization(challenge.Token, signer.Key) : null;
            var pending = new PendingChallenge
            {
                OrderName = order.Name,
                ServerId = order.ServerId,
                AccountId = order.AccountId,
                Identifier = identifier,
                Type = challenge.Type,
                Token = challenge.Token,
                KeyAuthorization = keyAuthorization,
                Url = challenge.Url,
                AuthorizationUrl = authz.Location,
                Status = authz.Status == AcmeStatus.Valid ? AcmeStatus.Valid : challenge.Status,
            };
            switch (challenge.Type)
            {
                case ChallengeAnswers.Dns01:
                    pending.RecordName = ChallengeAnswers.Dns01RecordName(identifier);
                    pending.RecordValue = ChallengeAnswers.Dns01Value(keyAuthorization);
                    break;
                case ChallengeAnswers.DnsAccount01:
                    pending.RecordName = ChallengeAnswers.DnsAccount01RecordName(identifier, signer.AccountUrl);
                    pending.RecordValue = ChallengeAnswers.Dns01Value(keyAuthorization);
                    break;
                case ChallengeAnswers.DnsPersist01:
                    pending.RecordName = ChallengeAnswers.DnsPersist01RecordName(identifier);
                    if (pending.Status != AcmeStatus.Valid)
                        pending.RecordValue = ChallengeAnswers.DnsPersist01Value(challenge.IssuerDomainNames?.FirstOrDefault(), signer.AccountUrl, authz.Wildcard);
                    break;
                case ChallengeAnswers.Http01:
                    pending.HttpPath = ChallengeAnswers.Http01Path(challenge.Token);
                    pending.HttpContent = keyAuthorization;
                    break;
            }
            return pending;
        }
    }
}
