using System;
using System.Text;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>
    /// An encrypted secret file: one line "ACMEPS-VAULT-ENCRYPTED v1 &lt;keyId&gt; &lt;base64 nonce|ciphertext|tag&gt;".
    /// The file's vault path is authenticated with it, so an encrypted file copied over another is refused.
    /// </summary>
    public static class VaultEnvelope
    {
        public const string Header = "ACMEPS-VAULT-ENCRYPTED";
        private const string Version = "v1";

        public static bool IsSealed(string text) => text != null && text.StartsWith(Header + " ", StringComparison.Ordinal);

        public static string Seal(string keyId, byte[] key, string path, string text)
        {
            byte[] plain = Encoding.UTF8.GetBytes(text);
            try
            {
                return $"{Header} {Version} {keyId} {Convert.ToBase64String(VaultCrypto.Seal(key, plain, AssociatedData(keyId, path)))}\n";
            }
            finally
            {
                Array.Clear(plain, 0, plain.Length);
            }
        }

        /// <summary>The key id a sealed file names, or null when the text is not a well-formed envelope.</summary>
        public static string KeyIdOf(string text)
        {
            var parts = Parts(text);
            return parts?[2];
        }

        /// <summary>The text, or null when the key does not open it (wrong key, changed file, or another path).</summary>
        public static string Open(byte[] key, string path, string text)
        {
            var parts = Parts(text);
            if (parts == null) return null;
            byte[] data;
            try { data = Convert.FromBase64String(parts[3]); }
            catch (FormatException) { return null; }
            byte[] plain = VaultCrypto.Open(key, data, AssociatedData(parts[2], path));
            if (plain == null) return null;
            try { return Encoding.UTF8.GetString(plain); }
            finally { Array.Clear(plain, 0, plain.Length); }
        }

        private static string[] Parts(string text)
        {
            if (!IsSealed(text)) return null;
            var parts = text.Trim().Split(' ');
            return parts.Length == 4 && parts[1] == Version && parts[2].Length > 0 ? parts : null;
        }

        private static string AssociatedData(string keyId, string path) => $"acmeps-vault:v1:{keyId}:{path}";
    }
}
