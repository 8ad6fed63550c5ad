using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AcmePS.Core.Protocol
{
    /// <summary>An RFC 7807 problem document as ACME uses it (RFC 8555 §6.7), with its subproblems.</summary>
    public sealed class AcmeProblem
    {
        public const string Prefix = "urn:ietf:params:acme:error:";

        [JsonProperty("type")] public string Type { get; set; }
        [JsonProperty("detail")] public string Detail { get; set; }
        [JsonProperty("status")] public int? Status { get; set; }
        [JsonProperty("instance")] public string Instance { get; set; }
        [JsonProperty("identifier")] public AcmeIdentifier Identifier { get; set; }
        [JsonProperty("subproblems")] public List<AcmeProblem> Subproblems { get; set; } = new List<AcmeProblem>();

        /// <summary>The ACME error name (badNonce, rateLimited, …); the whole type for other namespaces.</summary>
        public string ShortType => Type != null && Type.StartsWith(Prefix, StringComparison.Ordinal) ? Type.Substring(Prefix.Length) : Type;

        public bool Is(string shortType) => string.Equals(ShortType, shortType, StringComparison.Ordinal);

        public static AcmeProblem Parse(string json)
        {
            try
            {
                return JsonConvert.DeserializeObject<AcmeProblem>(json) ?? new AcmeProblem();
            }
            catch (JsonException)
            {
                return new AcmeProblem { Detail = json };
            }
        }

        public static AcmeProblem FromToken(JToken token) => token == null || token.Type == JTokenType.Null ? null : token.ToObject<AcmeProblem>();

        /// <summary>"detail (type)" followed by each subproblem on its own line.</summary>
        public override string ToString()
        {
            string head = string.IsNullOrEmpty(Detail) ? ShortType : $"{Detail} ({ShortType})";
            if (Subproblems == null || Subproblems.Count == 0) return head;
            return head + string.Concat(Subproblems.Select(s =>
                Environment.NewLine + "  " + (s.Identifier != null ? s.Identifier.Value + ": " : "") + s));
        }

        /// <summary>The stable ErrorId for a problem type: urn:…:error:rateLimited → AcmeRateLimited.</summary>
        public static string ErrorIdFor(string shortType)
        {
            if (string.IsNullOrEmpty(shortType) || shortType.Contains(":")) return "AcmeServerError";
            return "Acme" + char.ToUpper(shortType[0], CultureInfo.InvariantCulture) + shortType.Substring(1);
        }
    }

    /// <summary>An error the CA answered with. Keeps the whole problem, the HTTP status and any Retry-After.</summary>
    public sealed class AcmeProblemException : AcmeException
    {
        public AcmeProblemException(AcmeProblem problem, int httpStatus, TimeSpan? retryAfter, string url)
            : base(AcmeProblem.ErrorIdFor(problem.ShortType), KindFor(problem.ShortType, httpStatus), Describe(problem, httpStatus, retryAfter))
        {
            Problem = problem;
            HttpStatus = httpStatus;
            RetryAfter = retryAfter;
            Url = url;
            Target = problem.Identifier?.Value ?? (object)url;
        }

        public AcmeProblem Problem { get; }

        public int HttpStatus { get; }

        public TimeSpan? RetryAfter { get; }

        public string Url { get; }

        private static string Describe(AcmeProblem p, int status, TimeSpan? retryAfter)
        {
            string text = $"The CA refused the request: {p} [HTTP {status}]";
            if (retryAfter.HasValue) text += $" Retry after {retryAfter.Value.TotalSeconds:0} s.";
            return text;
        }

        private static AcmeErrorKind KindFor(string shortType, int status)
        {
            switch (shortType)
            {
                case "rateLimited": return AcmeErrorKind.LimitsExceeded;
                case "unauthorized": case "accountDoesNotExist": case "externalAccountRequired": case "userActionRequired":
                case "caa": case "incorrectResponse":
                    return AcmeErrorKind.PermissionDenied;
                case "malformed": case "rejectedIdentifier": case "unsupportedIdentifier": case "invalidContact":
                case "unsupportedContact": case "badCSR": case "badSignatureAlgorithm": case "badPublicKey":
                case "badRevocationReason": case "invalidProfile":
                    return AcmeErrorKind.InvalidArgument;
                case "connection": case "dns": case "tls":
                    return AcmeErrorKind.ConnectionError;
                case "orderNotReady": case "alreadyRevoked": case "alreadyReplaced":
                    return AcmeErrorKind.InvalidOperation;
                case "serverInternal":
                    return AcmeErrorKind.ConnectionError;
            }
            return status == 404 ? AcmeErrorKind.NotFound : AcmeErrorKind.NotSpecified;
        }
    }
}
