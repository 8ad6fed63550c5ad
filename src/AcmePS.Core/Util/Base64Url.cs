using System;

namespace AcmePS.Core.Util
{
    /// <summary>base64url without padding (RFC 7515 §2), as ACME uses everywhere.</summary>
    public static class Base64Url
    {
        public static string Encode(byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            return Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        public static byte[] Decode(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            string s = text.Replace('-', '+').Replace('_', '/');
            switch (s.Length % 4)
            {
                case 2: s += "=="; break;
                case 3: s += "="; break;
                case 1: throw new FormatException("Not a valid base64url string.");
            }
            return Convert.FromBase64String(s);
        }
    }
}
