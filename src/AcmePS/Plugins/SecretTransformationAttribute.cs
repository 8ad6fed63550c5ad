using System.Management.Automation;
using AcmePS.Internal;

namespace AcmePS.Plugins
{
    /// <summary>Lets a SecureString parameter also take a plain string (a secret read from a vault or a file).</summary>
    public sealed class SecretTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject ps ? ps.BaseObject : inputData;
            return value is string text ? SecureText.Secure(text) : value;
        }
    }
}
