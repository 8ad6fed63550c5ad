using System.Text;

namespace AcmePS.Core.Util
{
    public static class Hex
    {
        public static string Upper(byte[] data)
        {
            var sb = new StringBuilder(data.Length * 2);
            foreach (byte b in data) sb.Append(b.ToString("X2"));
            return sb.ToString();
        }
    }
}
