/// What a frontend's TLS is: the certificate files it serves and the old protocol versions it still accepts.
public struct CheckedTLS: Sendable {
    /// A certificate chain and its key, as the configuration names them (relative to its folder unless absolute).
    public struct CertificateFile: Sendable {
        public var certificate: String
        /// The key file; the certificate file itself when the key is in it (HAProxy's `crt`).
        public var key: String
        public var line: Int

        public init(certificate: String, key: String, line: Int) {
            self.certificate = certificate
            self.key = key
            self.line = line
        }
    }

    public var certificates: [CertificateFile]
    /// Protocol versions older than TLS 1.2 the frontend accepts ("TLS 1.0", "TLS 1.1"), and the line that
    /// enables them.
    public var legacyVersions: [String]
    public var legacyVersionsLine: Int

    public init(certificates: [CertificateFile], legacyVersions: [String] = [], legacyVersionsLine: Int = 1) {
        self.certificates = certificates
        self.legacyVersions = legacyVersions
        self.legacyVersionsLine = legacyVersionsLine
    }
}
