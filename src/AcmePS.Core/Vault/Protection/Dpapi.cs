using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;
using AcmePS.Core.Util;

namespace AcmePS.Core.Vault.Protection
{
    /// <summary>
    /// Windows DPAPI through crypt32 (netstandard2.0 has no ProtectedData): the user's or the machine's key wraps the
    /// vault's data key. Machine scope lets every account on the machine (a SYSTEM task and an administrator) unwrap it;
    /// the folder's ACL is what keeps others out.
    /// </summary>
    internal static class Dpapi
    {
        private const int UiForbidden = 0x1;
        private const int LocalMachine = 0x4;

        public static void RequireWindows(string mode)
        {
            if (!AtomicFile.IsWindows)
                throw new AcmeException("AcmeVaultProtectionUnsupported", AcmeErrorKind.InvalidOperation,
                    $"{mode} protection uses Windows DPAPI, which this system does not have. Use -Protection Key (a passphrase, in ACMEPS_VAULT_KEY) here.") { Target = mode };
        }

        public static byte[] Protect(byte[] data, string mode, string keyId)
        {
            RequireWindows(mode);
            return Call(true, data, mode, keyId);
        }

        /// <summary>The data, or null when DPAPI refuses (another user's or machine's key).</summary>
        public static byte[] Unprotect(byte[] blob, string mode, string keyId, out int error)
        {
            RequireWindows(mode);
            try
            {
                error = 0;
                return Call(false, blob, mode, keyId);
            }
            catch (Win32Exception ex)
            {
                error = ex.NativeErrorCode;
                return null;
            }
        }

        private static byte[] Call(bool protect, byte[] input, string mode, string keyId)
        {
            int flags = UiForbidden | (mode == ProtectionModes.DpapiMachine ? LocalMachine : 0);
            byte[] entropy = Encoding.UTF8.GetBytes("AcmePS vault key " + keyId);
            var inBlob = new DataBlob();
            var entropyBlob = new DataBlob();
            var outBlob = new DataBlob();
            var pins = new[] { GCHandle.Alloc(input, GCHandleType.Pinned), GCHandle.Alloc(entropy, GCHandleType.Pinned) };
            try
            {
                inBlob.Size = input.Length;
                inBlob.Data = pins[0].AddrOfPinnedObject();
                entropyBlob.Size = entropy.Length;
                entropyBlob.Data = pins[1].AddrOfPinnedObject();
                bool ok = protect
                    ? CryptProtectData(ref inBlob, "AcmePS vault", ref entropyBlob, IntPtr.Zero, IntPtr.Zero, flags, ref outBlob)
                    : CryptUnprotectData(ref inBlob, IntPtr.Zero, ref entropyBlob, IntPtr.Zero, IntPtr.Zero, flags, ref outBlob);
                if (!ok) throw new Win32Exception(Marshal.GetLastWin32Error());
                var result = new byte[outBlob.Size];
                Marshal.Copy(outBlob.Data, result, 0, outBlob.Size);
                return result;
            }
            finally
            {
                foreach (var pin in pins) pin.Free();
                if (outBlob.Data != IntPtr.Zero)
                {
                    for (int i = 0; i < outBlob.Size; i++) Marshal.WriteByte(outBlob.Data, i, 0);
                    LocalFree(outBlob.Data);
                }
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct DataBlob
        {
            public int Size;
            public IntPtr Data;
        }

        [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern bool CryptProtectData(ref DataBlob dataIn, string description, ref DataBlob entropy,
            IntPtr reserved, IntPtr prompt, int flags, ref DataBlob dataOut);

        [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern bool CryptUnprotectData(ref DataBlob dataIn, IntPtr description, ref DataBlob entropy,
            IntPtr reserved, IntPtr prompt, int flags, ref DataBlob dataOut);

        [DllImport("kernel32.dll")]
        private static extern IntPtr LocalFree(IntPtr handle);
    }
}
