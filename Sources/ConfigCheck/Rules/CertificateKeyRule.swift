import TLSMaterial

/// A certificate a TLS frontend cannot serve: its file or its key's is missing or unreadable, or the key is not
/// the certificate's. The balancer refuses to start (or to reload) with it.
public struct CertificateKeyRule: Rule {
    public static let id = "EK124"
    public static let title = "certificate cannot be served"
    public static let severity = Severity.error
    public static let hint = "Point the configuration at the certificate chain (the server's own certificate first) and the private key made with it."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        guard let folder = config.folder else { return [] }
        return config.frontends.flatMap { frontend -> [Finding] in
            (frontend.tls?.certificates ?? []).compactMap { file in
                do {
                    _ = try CertificateFiles.load(certificate: file.certificate, key: file.key, relativeTo: folder)
                    return nil
                } catch {
                    return config.finding(self, line: file.line, "\(frontend.name): \(error)")
                }
            }
        }
    }
}
