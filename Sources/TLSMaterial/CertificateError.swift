/// Why a certificate or key from the configuration cannot be served.
public enum CertificateError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file was read but is not what it should be.
    case unparsable(path: String, what: String, reason: String)
    /// The key is not the private key of the chain's first certificate.
    case keyMismatch(certificate: String, key: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unparsable(let path, let what, let reason): "\(path) is not \(what): \(reason)"
        case .keyMismatch(let certificate, let key):
            "\(key) is not the private key of the first certificate in \(certificate) (their public keys differ)"
        }
    }
}
