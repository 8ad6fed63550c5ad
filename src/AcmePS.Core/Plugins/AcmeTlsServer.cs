using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AcmePS.Core.Challenges;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace AcmePS.Core.Plugins
{
    /// <summary>
    /// The TLS side of one tls-alpn-01 handshake: offers only ALPN acme-tls/1 (a client that offers other protocols
    /// gets no_application_protocol from BouncyCastle; one that offers none is refused with the same alert), reads the
    /// server name and serves that name's challenge certificate. TLS 1.3 and 1.2, ECDSA P-256.
    /// </summary>
    internal sealed class AcmeTlsServer : DefaultTlsServer
    {
        private static readonly int[] Suites =
        {
            CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        };

        private readonly Func<string, TlsAlpnCertificate> _find;
        private TlsAlpnCertificate _chosen;

        public AcmeTlsServer(BcTlsCrypto crypto, Func<string, TlsAlpnCertificate> find) : base(crypto)
        {
            _find = find;
        }

        protected override IList<ProtocolName> GetProtocolNames() => new List<ProtocolName> { ProtocolName.Acme_Tls_1 };

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.DownTo(ProtocolVersion.TLSv12);

        protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(Crypto, Suites);

        public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
        {
            base.ProcessClientExtensions(clientExtensions);
            string serverName = null;
            var names = clientExtensions == null ? null : TlsExtensionsUtilities.GetServerNameExtensionClient(clientExtensions);
            var hostName = names?.FirstOrDefault(n => n.NameType == NameType.host_name);
            if (hostName != null) serverName = Encoding.ASCII.GetString(hostName.NameData);
            TlsAlpnResponder.NoteServerName(serverName);
            _chosen = _find(serverName);
        }

        public override TlsCredentials GetCredentials()
        {
            if (!ProtocolName.Acme_Tls_1.Equals(m_selectedProtocolName)) throw new TlsFatalAlert(AlertDescription.no_application_protocol);
            if (_chosen == null) throw new TlsFatalAlert(AlertDescription.unrecognized_name);
            var crypto = (BcTlsCrypto)Crypto;
            TlsCertificate certificate = crypto.CreateCertificate(_chosen.GetEncoded());
            var chain = TlsUtilities.IsTlsV13(m_context)
                ? new Certificate(TlsUtilities.EmptyBytes, new[] { new CertificateEntry(certificate, null) })
                : new Certificate(new[] { certificate });
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, _chosen.Key.Pair.Private, chain,
                SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }
}
