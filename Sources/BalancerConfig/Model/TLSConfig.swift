/// TLS on the proxy listener: the certificates it serves, the oldest protocol version it accepts, and whether it
/// offers HTTP/2.
public struct TLSConfig: Sendable, Equatable {
    /// A certificate chain (PEM, the server's own certificate first) and its private key (PEM).
    public struct CertificatePair: Sendable, Equatable {
        /// The chain file, relative to the configuration file's folder unless absolute.
        public var certificate: String
        /// The key file, relative to the configuration file's folder unless absolute.
        public var key: String
        /// Where the pair is written in the configuration, for errors about its files. Not part of its value.
        public var location: ConfigLocation?

        /// Creates a pair.
        public init(certificate: String, key: String, location: ConfigLocation? = nil) {
            self.certificate = certificate
            self.key = key
            self.location = location
        }

        public static func == (a: Self, b: Self) -> Bool { a.certificate == b.certificate && a.key == b.key }
    }

    /// A TLS protocol version.
    public enum ProtocolVersion: String, Sendable, CaseIterable, Comparable {
        case v1_0 = "1.0"
        case v1_1 = "1.1"
        case v1_2 = "1.2"
        case v1_3 = "1.3"

        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
        private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    }

    /// The certificates served. The first is the default; SNI picks another when the client names a host that only
    /// it is for.
    public var certificates: [CertificatePair]
    /// The oldest version a client may use. 1.2 by default; 1.0 and 1.1 are accepted here so ConfigCheck can name
    /// them, and the balancer refuses to start with them.
    public var minimumVersion: ProtocolVersion
    /// Whether ALPN offers `h2` (HTTP/2) before `http/1.1`.
    public var http2: Bool

    /// Creates a TLS configuration.
    public init(certificates: [CertificatePair], minimumVersion: ProtocolVersion = .v1_2, http2: Bool = true) {
        self.certificates = certificates
        self.minimumVersion = minimumVersion
        self.http2 = http2
    }
}
