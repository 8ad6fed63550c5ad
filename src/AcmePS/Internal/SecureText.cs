using System;
using System.Runtime.InteropServices;
using System.Security;

namespace AcmePS.Internal
{
    /// <summary>SecureString to and from what the engine takes: the one place the cmdlets unwrap or wrap a secret.</summary>
    internal static class SecureText
    {
        /// <summary>The secret's text, for handing to the engine only (never written anywhere); null for null.</summary>
        public static string Plain(SecureString secure)
        {
            if (secure == null) return null;
            IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try { return Marshal.PtrToStringUni(ptr, secure.Length); }
            finally { Marshal.ZeroFreeGlobalAllocUnicode(ptr); }
        }

        /// <summary>The secret's characters (a PFX password), for a caller that clears them after use; null for null.</summary>
        public static char[] Chars(SecureString secure)
        {
            if (secure == null) return null;
            IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                var chars = new char[secure.Length];
                Marshal.Copy(ptr, chars, 0, chars.Length);
                return chars;
            }
            finally { Marshal.ZeroFreeGlobalAllocUnicode(ptr); }
        }

        /// <summary>A read-only SecureString holding <paramref name="text"/> ("" for null).</summary>
        public static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (char c in text ?? "") secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }
    }
}
