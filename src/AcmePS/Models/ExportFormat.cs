namespace AcmePS.Models
{
    /// <summary>
    /// The -Format of Export-AcmeCertificate. A copy of the engine's enum: types PowerShell binds live in this
    /// assembly, so that the engine can load in its own AssemblyLoadContext.
    /// </summary>
    public enum ExportFormat
    {
        /// <summary>PKCS#12: key, certificate and chain.</summary>
        Pfx,
        /// <summary>The certificate alone, PEM.</summary>
        Pem,
        /// <summary>The certificate and its chain, PEM.</summary>
        FullChainPem,
        /// <summary>The private key, PKCS#8 PEM.</summary>
        KeyPem,
    }
}
