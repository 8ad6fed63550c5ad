using AcmePS.Core;
using AcmePS.Models;

namespace AcmePS.Plugins
{
    /// <summary>What the built-in http-01 plugins share.</summary>
    internal static class Http01Plugin
    {
        public static void CheckType(AcmeChallenge challenge, string plugin)
        {
            if (challenge.Type != "http-01")
                throw new AcmeException("AcmePluginChallengeTypeUnsupported", AcmeErrorKind.InvalidArgument,
                    $"The {plugin} plugin answers http-01 challenges, not {challenge.Type} (for {challenge.Identifier}): "
                    + "use Get-AcmeChallenge -Type http-01, or New-AcmeCertificate -ChallengeType http-01.") { Target = challenge.Identifier };
        }
    }
}
