using System;

namespace AcmePS.Plugins
{
    /// <summary>
    /// Declares the challenge types a plugin answers, for Get-AcmePlugin: on a binary plugin's Publish cmdlet class, or
    /// on the Challenge parameter of a script plugin's Publish function
    /// (<c>[AcmePS.Plugins.AcmeChallengeType('dns-01')]</c>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
    public sealed class AcmeChallengeTypeAttribute : Attribute
    {
        public AcmeChallengeTypeAttribute(params string[] types)
        {
            Types = types ?? new string[0];
        }

        public string[] Types { get; }
    }
}
