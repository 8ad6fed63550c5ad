using System;
using System.Collections.Generic;
using System.Text;

namespace AcmePS.Core.Dns
{
    /// <summary>
    /// The few pieces of the DNS wire format (RFC 1035 §4) that an UPDATE message needs: names, integers, TXT data,
    /// and skipping over the records of a response. Names are written uncompressed and in lower case.
    /// </summary>
    internal static class DnsWire
    {
        public const ushort TypeSoa = 6, TypeTxt = 16, TypeTsig = 250, TypeAny = 255;
        public const ushort ClassIn = 1, ClassNone = 254, ClassAny = 255;

        /// <summary>A name in absolute, lower-case form without the final dot ("" is the root).</summary>
        public static string Canonical(string name) => (name ?? "").Trim().TrimEnd('.').ToLowerInvariant();

        public static void WriteName(List<byte> buffer, string name)
        {
            string canonical = Canonical(name);
            if (canonical.Length > 0)
            {
                foreach (string label in canonical.Split('.'))
                {
                    byte[] bytes = Encoding.ASCII.GetBytes(label);
                    if (bytes.Length == 0 || bytes.Length > 63)
                        throw new ArgumentException($"'{name}' is not a valid DNS name (a label is empty or longer than 63 characters).", nameof(name));
                    buffer.Add((byte)bytes.Length);
                    buffer.AddRange(bytes);
                }
            }
            buffer.Add(0);
        }

        public static void WriteU16(List<byte> buffer, int value)
        {
            buffer.Add((byte)(value >> 8));
            buffer.Add((byte)value);
        }

        public static void WriteU32(List<byte> buffer, long value)
        {
            WriteU16(buffer, (int)(value >> 16) & 0xFFFF);
            WriteU16(buffer, (int)value & 0xFFFF);
        }

        public static void WriteU48(List<byte> buffer, long value)
        {
            WriteU16(buffer, (int)(value >> 32) & 0xFFFF);
            WriteU32(buffer, value & 0xFFFFFFFFL);
        }

        /// <summary>TXT RDATA: the value as character-strings of at most 255 bytes each (RFC 1035 §3.3.14).</summary>
        public static byte[] TxtData(string value)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value ?? "");
            var data = new List<byte>(bytes.Length + 2);
            int offset = 0;
            do
            {
                int length = Math.Min(255, bytes.Length - offset);
                data.Add((byte)length);
                for (int i = 0; i < length; i++) data.Add(bytes[offset + i]);
                offset += length;
            }
            while (offset < bytes.Length);
            return data.ToArray();
        }

        public static int ReadU16(byte[] data, int offset) => (data[offset] << 8) | data[offset + 1];

        public static long ReadU48(byte[] data, int offset) =>
            ((long)ReadU16(data, offset) << 32) | ((long)ReadU16(data, offset + 2) << 16) | (long)ReadU16(data, offset + 4);

        /// <summary>The offset just after the (possibly compressed) name at <paramref name="offset"/>.</summary>
        public static int SkipName(byte[] data, int offset)
        {
            while (true)
            {
                int length = data[offset];
                if (length == 0) return offset + 1;
                if ((length & 0xC0) == 0xC0) return offset + 2; // a pointer ends the name
                offset += 1 + length;
            }
        }

        /// <summary>The name at <paramref name="offset"/>, following compression pointers, in canonical form.</summary>
        public static string ReadName(byte[] data, int offset)
        {
            var labels = new List<string>();
            for (int hops = 0; hops < 64; hops++)
            {
                int length = data[offset];
                if (length == 0) return string.Join(".", labels).ToLowerInvariant();
                if ((length & 0xC0) == 0xC0)
                {
                    offset = ((length & 0x3F) << 8) | data[offset + 1];
                    continue;
                }
                labels.Add(Encoding.ASCII.GetString(data, offset + 1, length));
                offset += 1 + length;
            }
            throw new FormatException("A DNS name in the response has a compression loop.");
        }
    }
}
