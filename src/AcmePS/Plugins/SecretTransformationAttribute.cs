using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;

namespace AcmePS.Plugins
{
    /// <summary>Lets a SecureString parameter also take a plain string (a secret read from a vault or a file).</summary>
    public sealed class SecretTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject ps ? ps.BaseObject : inputData;
            if (!(value is string text)) return value;
            var secure = new SecureString();
            foreach (char c in text) secure.AppendChar(c);
            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>The secret as a string, only for handing it to the engine.</summary>
        internal static string Plain(SecureString secure)
        {
            if (secure == null) return null;
            IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try { return Marshal.PtrToStringUni(ptr); }
            finally { Marshal.ZeroFreeGlobalAllocUnicode(ptr); }
        }
    }
}
