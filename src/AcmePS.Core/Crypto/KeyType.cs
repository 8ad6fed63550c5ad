using System;

namespace AcmePS.Core.Crypto
{
    /// <summary>The key types AcmePS makes for accounts and certificates.</summary>
    public enum KeyType
    {
        EC256,
        EC384,
        RSA2048,
        RSA3072,
        RSA4096,
    }

    public static class KeyTypes
    {
        /// <summary>The names users type (-KeyType ec256): lower case, as the CA world writes them.</summary>
        public static readonly string[] Names = { "ec256", "ec384", "rsa2048", "rsa3072", "rsa4096" };

        public static KeyType Parse(string name)
        {
            switch ((name ?? string.Empty).Trim().ToLowerInvariant())
            {
                case "ec256": case "p256": case "es256": return KeyType.EC256;
                case "ec384": case "p384": case "es384": return KeyType.EC384;
                case "rsa2048": case "2048": return KeyType.RSA2048;
                case "rsa3072": case "3072": return KeyType.RSA3072;
                case "rsa4096": case "4096": return KeyType.RSA4096;
                default:
                    throw new AcmeException("AcmeKeyTypeInvalid", AcmeErrorKind.InvalidArgument,
                        $"'{name}' is not a key type AcmePS knows. Use one of: {string.Join(", ", Names)}.") { Target = name };
            }
        }

        public static string ToName(this KeyType type) => Names[(int)type];
    }
}
