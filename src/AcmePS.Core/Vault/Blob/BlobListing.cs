using System.Collections.Generic;
using System.IO;
using System.Xml;

namespace AcmePS.Core.Vault.Blob
{
    /// <summary>The List Blobs answer: EnumerationResults/Blobs/{Blob/Name, BlobPrefix/Name} and NextMarker.</summary>
    internal static class BlobListing
    {
        /// <summary>Adds the page's names to the lists and returns the next marker (empty or null at the end).</summary>
        public static string Parse(byte[] xml, List<string> blobs, List<string> prefixes)
        {
            var doc = new XmlDocument { XmlResolver = null };
            using (var reader = XmlReader.Create(new MemoryStream(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
                doc.Load(reader);
            foreach (XmlNode n in doc.SelectNodes("/EnumerationResults/Blobs/Blob/Name")) blobs.Add(n.InnerText);
            foreach (XmlNode n in doc.SelectNodes("/EnumerationResults/Blobs/BlobPrefix/Name")) prefixes.Add(n.InnerText);
            return doc.SelectSingleNode("/EnumerationResults/NextMarker")?.InnerText;
        }
    }
}
