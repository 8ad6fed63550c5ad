using System;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>
    /// The vault's primitives, all BouncyCastle: AES-256-GCM (a 12-byte random nonce, a 16-byte tag, output
    /// nonce|ciphertext|tag) and scrypt for keys derived from a passphrase.
    /// </summary>
    public static class VaultCrypto
    {
        public const int KeySize = 32;
        private const int NonceSize = 12;
        private const int TagBits = 128;
        private static readonly SecureRandom Random = new SecureRandom();

        public static byte[] RandomBytes(int count)
        {
            var bytes = new byte[count];
            Random.NextBytes(bytes);
            return bytes;
        }

        public static byte[] Seal(byte[] key, byte[] plaintext, string associatedData)
        {
            byte[] nonce = RandomBytes(NonceSize);
            var gcm = new GcmBlockCipher(new AesEngine());
            gcm.Init(true, new AeadParameters(new KeyParameter(key), TagBits, nonce, Encoding.UTF8.GetBytes(associatedData)));
            var output = new byte[NonceSize + gcm.GetOutputSize(plaintext.Length)];
            Buffer.BlockCopy(nonce, 0, output, 0, NonceSize);
            int length = gcm.ProcessBytes(plaintext, 0, plaintext.Length, output, NonceSize);
            gcm.DoFinal(output, NonceSize + length);
            return output;
        }

        /// <summary>The plaintext, or null when the key is wrong or the data was changed (the tag does not match).</summary>
        public static byte[] Open(byte[] key, byte[] sealedData, string associatedData)
        {
            if (sealedData == null || sealedData.Length < NonceSize + TagBits / 8) return null;
            var gcm = new GcmBlockCipher(new AesEngine());
            gcm.Init(false, new AeadParameters(new KeyParameter(key), TagBits, Copy(sealedData, 0, NonceSize), Encoding.UTF8.GetBytes(associatedData)));
            var output = new byte[gcm.GetOutputSize(sealedData.Length - NonceSize)];
            try
            {
                int length = gcm.ProcessBytes(sealedData, NonceSize, sealedData.Length - NonceSize, output, 0);
                gcm.DoFinal(output, length);
                return output;
            }
            catch (InvalidCipherTextException)
            {
                Array.Clear(output, 0, output.Length);
                return null;
            }
        }

        /// <summary>scrypt with N = 2^cost, r = 8, p = 1: 2^cost KiB of memory. 17 (128 MiB) is the default.</summary>
        public static byte[] DeriveKey(string passphrase, KdfRecord kdf)
        {
            if (kdf == null || !string.Equals(kdf.Name, KdfRecord.Scrypt, StringComparison.OrdinalIgnoreCase))
                throw new AcmeException("AcmeVaultFileInvalid", AcmeErrorKind.InvalidData,
                    $"The vault's key derivation '{kdf?.Name}' is not one this AcmePS knows (scrypt).");
            byte[] secret = Encoding.UTF8.GetBytes(passphrase.Normalize(NormalizationForm.FormC));
            try
            {
                return SCrypt.Generate(secret, Convert.FromBase64String(kdf.Salt), 1 << kdf.Cost, kdf.BlockSize, kdf.Parallelism, KeySize);
            }
            finally
            {
                Array.Clear(secret, 0, secret.Length);
                // scrypt's working memory (2^cost KiB, 128 MiB by default) is garbage now: hand it back at once rather
                // than carry it through the rest of the process (a runbook sandbox has 400 MB). Once per process.
                if (kdf.Cost >= 14)
                {
                    System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
                    GC.Collect();
                }
            }
        }

        public static string NewKeyId() => Util.Hex.Upper(RandomBytes(4)).ToLowerInvariant();

        private static byte[] Copy(byte[] source, int offset, int count)
        {
            var result = new byte[count];
            Buffer.BlockCopy(source, offset, result, 0, count);
            return result;
        }
    }
}
