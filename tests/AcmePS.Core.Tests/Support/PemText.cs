using System.Text;

namespace AcmePS.Core.Tests.Support;

/// <summary>PEM armour written here, not by the engine, so tests do not depend on the code they check.</summary>
public static class PemText
{
    public static string Encode(string label, byte[] der)
    {
        var sb = new StringBuilder().Append("-----BEGIN ").Append(label).Append("-----\n");
        string b64 = Convert.ToBase64String(der);
        for (int i = 0; i < b64.Length; i += 64) sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
        return sb.Append("-----END ").Append(label).Append("-----\n").ToString();
    }

    /// <summary>base64url without padding, written independently of Util.Base64Url.</summary>
    public static string B64Url(byte[] data) => Convert.ToBase64String(data).Split('=')[0].Replace('+', '-').Replace('/', '_');
}
