using System;
using System.Collections.Generic;
using System.Linq;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace AcmePS.Core.Dns
{
    /// <summary>A TSIG key (RFC 8945): its name, algorithm (hmac-sha256 or hmac-sha512) and secret.</summary>
    public sealed class TsigKey
    {
        public TsigKey(string name, string algorithm, byte[] secret)
        {
            Name = DnsWire.Canonical(name);
            Algorithm = NormalizeAlgorithm(algorithm);
            Secret = secret ?? throw new ArgumentNullException(nameof(secret));
        }

        public string Name { get; }

        /// <summary>"hmac-sha256" or "hmac-sha512".</summary>
        public string Algorithm { get; }

        internal byte[] Secret { get; }

        public static string NormalizeAlgorithm(string algorithm)
        {
            string a = DnsWire.Canonical(algorithm);
            if (a == "hmac-sha256" || a == "sha256") return "hmac-sha256";
            if (a == "hmac-sha512" || a == "sha512") return "hmac-sha512";
            throw new AcmeException("AcmeRfc2136KeyAlgorithmInvalid", AcmeErrorKind.InvalidArgument,
                $"'{algorithm}' is not a TSIG algorithm AcmePS supports (hmac-sha256, hmac-sha512).") { Target = algorithm };
        }

        internal byte[] Mac(byte[] input)
        {
            IDigest digest = Algorithm == "hmac-sha512" ? (IDigest)new Sha512Digest() : new Sha256Digest();
            var hmac = new HMac(digest);
            hmac.Init(new KeyParameter(Secret));
            hmac.BlockUpdate(input, 0, input.Length);
            var mac = new byte[hmac.GetMacSize()];
            hmac.DoFinal(mac, 0);
            return mac;
        }
    }

    /// <summary>
    /// A DNS UPDATE message (RFC 2136 §2) for TXT records of one zone, signed with TSIG (RFC 8945 §4), and the check
    /// of the server's signed answer.
    /// </summary>
    internal sealed class DnsUpdateMessage
    {
        private const int Fudge = 300;
        private readonly List<byte[]> _updates = new List<byte[]>();

        public DnsUpdateMessage(string zone, ushort id)
        {
            Zone = DnsWire.Canonical(zone);
            Id = id;
        }

        public string Zone { get; }

        public ushort Id { get; }

        /// <summary>Adds one value to the TXT record set of <paramref name="name"/> (the other values stay).</summary>
        public void AddTxt(string name, string value, int ttl) => Update(name, DnsWire.ClassIn, ttl, DnsWire.TxtData(value));

        /// <summary>Deletes exactly this value from the TXT record set of <paramref name="name"/> (RFC 2136 §2.5.4).</summary>
        public void DeleteTxt(string name, string value) => Update(name, DnsWire.ClassNone, 0, DnsWire.TxtData(value));

        private void Update(string name, ushort cls, int ttl, byte[] rdata)
        {
            var rr = new List<byte>();
            DnsWire.WriteName(rr, name);
            DnsWire.WriteU16(rr, DnsWire.TypeTxt);
            DnsWire.WriteU16(rr, cls);
            DnsWire.WriteU32(rr, ttl);
            DnsWire.WriteU16(rr, rdata.Length);
            rr.AddRange(rdata);
            _updates.Add(rr.ToArray());
        }

        /// <summary>The unsigned message: header, zone section, update section.</summary>
        private List<byte> Unsigned()
        {
            var m = new List<byte>();
            DnsWire.WriteU16(m, Id);
            DnsWire.WriteU16(m, 0x2800); // QR=0, OPCODE=5 (UPDATE)
            DnsWire.WriteU16(m, 1); // ZOCOUNT
            DnsWire.WriteU16(m, 0); // PRCOUNT
            DnsWire.WriteU16(m, _updates.Count); // UPCOUNT
            DnsWire.WriteU16(m, 0); // ARCOUNT (the TSIG record is added by Sign)
            DnsWire.WriteName(m, Zone);
            DnsWire.WriteU16(m, DnsWire.TypeSoa);
            DnsWire.WriteU16(m, DnsWire.ClassIn);
            foreach (var u in _updates) m.AddRange(u);
            return m;
        }

        /// <summary>The message signed with <paramref name="key"/>; <paramref name="requestMac"/> is kept to check the answer.</summary>
        public byte[] Sign(TsigKey key, DateTimeOffset now, out byte[] requestMac)
        {
            var message = Unsigned();
            long time = now.ToUnixTimeSeconds();
            var input = new List<byte>(message);
            AddVariables(input, key, time, Fudge, 0);
            requestMac = key.Mac(input.ToArray());

            // The TSIG record, last in the additional section.
            DnsWire.WriteName(message, key.Name);
            DnsWire.WriteU16(message, DnsWire.TypeTsig);
            DnsWire.WriteU16(message, DnsWire.ClassAny);
            DnsWire.WriteU32(message, 0);
            var rdata = new List<byte>();
            DnsWire.WriteName(rdata, key.Algorithm);
            DnsWire.WriteU48(rdata, time);
            DnsWire.WriteU16(rdata, Fudge);
            DnsWire.WriteU16(rdata, requestMac.Length);
            rdata.AddRange(requestMac);
            DnsWire.WriteU16(rdata, Id); // original ID
            DnsWire.WriteU16(rdata, 0); // error
            DnsWire.WriteU16(rdata, 0); // other len
            DnsWire.WriteU16(message, rdata.Count);
            message.AddRange(rdata);
            message[11] = 1; // ARCOUNT
            return message.ToArray();
        }

        /// <summary>The TSIG variables (RFC 8945 §4.3.3) after the message in a MAC's input.</summary>
        private static void AddVariables(List<byte> input, TsigKey key, long time, int fudge, int error, byte[] other = null)
        {
            DnsWire.WriteName(input, key.Name);
            DnsWire.WriteU16(input, DnsWire.ClassAny);
            DnsWire.WriteU32(input, 0);
            DnsWire.WriteName(input, key.Algorithm);
            DnsWire.WriteU48(input, time);
            DnsWire.WriteU16(input, fudge);
            DnsWire.WriteU16(input, error);
            DnsWire.WriteU16(input, other?.Length ?? 0);
            if (other != null) input.AddRange(other);
        }

        /// <summary>
        /// Reads the server's answer: its RCODE, and the TSIG error and whether its MAC is right, when it is signed.
        /// </summary>
        public static DnsUpdateResponse ReadResponse(byte[] response, TsigKey key, byte[] requestMac)
        {
            if (response.Length < 12) throw new FormatException("The DNS answer is shorter than a header.");
            var result = new DnsUpdateResponse { Id = (ushort)DnsWire.ReadU16(response, 0), ResponseCode = response[3] & 0x0F };
            int zo = DnsWire.ReadU16(response, 4), pr = DnsWire.ReadU16(response, 6), up = DnsWire.ReadU16(response, 8), ar = DnsWire.ReadU16(response, 10);
            int offset = 12;
            for (int i = 0; i < zo; i++) offset = DnsWire.SkipName(response, offset) + 4;
            for (int i = 0; i < pr + up + ar; i++)
            {
                int start = offset;
                offset = DnsWire.SkipName(response, offset);
                int type = DnsWire.ReadU16(response, offset);
                int rdlength = DnsWire.ReadU16(response, offset + 8);
                int rdata = offset + 10;
                offset = rdata + rdlength;
                if (type != DnsWire.TypeTsig || i != pr + up + ar - 1) continue;

                result.Signed = true;
                int p = DnsWire.SkipName(response, rdata);
                long time = DnsWire.ReadU48(response, p);
                int fudge = DnsWire.ReadU16(response, p + 6);
                int macSize = DnsWire.ReadU16(response, p + 8);
                byte[] mac = response.Skip(p + 10).Take(macSize).ToArray();
                p += 10 + macSize;
                int originalId = DnsWire.ReadU16(response, p);
                result.TsigError = DnsWire.ReadU16(response, p + 2);
                int otherLength = DnsWire.ReadU16(response, p + 4);
                byte[] other = response.Skip(p + 6).Take(otherLength).ToArray();
                if (macSize == 0) break; // BADSIG/BADKEY answers are unsigned

                var input = new List<byte>();
                DnsWire.WriteU16(input, requestMac.Length);
                input.AddRange(requestMac);
                var body = response.Take(start).ToArray();
                body[0] = (byte)(originalId >> 8);
                body[1] = (byte)originalId;
                int arcount = ar - 1;
                body[10] = (byte)(arcount >> 8);
                body[11] = (byte)arcount;
                input.AddRange(body);
                AddVariables(input, key, time, fudge, result.TsigError, other);
                result.MacValid = key.Mac(input.ToArray()).SequenceEqual(mac);
            }
            return result;
        }
    }

    internal sealed class DnsUpdateResponse
    {
        public ushort Id { get; set; }
        public int ResponseCode { get; set; }
        public bool Signed { get; set; }
        public int TsigError { get; set; }
        public bool MacValid { get; set; }
    }
}
