using System.Text.RegularExpressions;

namespace AcmePS.Core.Plugins.Http01
{
    /// <summary>
    /// The checks both http-01 plugins make on what the CA sent before serving or writing it: a token is base64url
    /// (RFC 8555 §8.3), so it can never name another file or path (no '/', '.', '..').
    /// </summary>
    public static class Http01Token
    {
        public const string PathPrefix = "/.well-known/acme-challenge/";

        private static readonly Regex Base64Url = new Regex("^[A-Za-z0-9_-]{1,256}$", RegexOptions.CultureInvariant);

        public static void Check(string token, string content, object target)
        {
            if (token == null || !Base64Url.IsMatch(token))
                throw new AcmeException("AcmeHttpTokenInvalid", AcmeErrorKind.InvalidData,
                    $"The http-01 token for {target} is not base64url; nothing was served or written.") { Target = target };
            if (string.IsNullOrEmpty(content) || content.IndexOfAny(new[] { '\r', '\n' }) >= 0)
                throw new AcmeException("AcmeHttpTokenInvalid", AcmeErrorKind.InvalidData,
                    $"The http-01 content for {target} is empty or has a line break; nothing was served or written.") { Target = target };
        }
    }
}
