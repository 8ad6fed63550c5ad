using System;
using System.Text;

namespace AcmePS.Core.Util
{
    /// <summary>base32 (RFC 4648 §6), upper case, padded with '=' to a multiple of 8 characters.</summary>
    public static class Base32
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

        public static string Encode(byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            var text = new StringBuilder((data.Length + 4) / 5 * 8);
            int buffer = 0, bits = 0;
            foreach (byte b in data)
            {
                buffer = (buffer << 8) | b;
                bits += 8;
                while (bits >= 5)
                {
                    text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                    bits -= 5;
                }
            }
            if (bits > 0) text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
            while (text.Length % 8 != 0) text.Append('=');
            return text.ToString();
        }
    }
}
