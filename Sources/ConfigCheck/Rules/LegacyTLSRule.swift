/// A TLS frontend that still accepts TLS 1.0 or 1.1: both are deprecated (RFC 8996) and weak, and no current browser
/// needs them.
public struct LegacyTLSRule: Rule {
    public static let id = "EK125"
    public static let title = "TLS 1.0 or 1.1 enabled"
    public static let severity = Severity.warning
    public static let hint = "Accept TLS 1.2 and 1.3 only."

    public init() {}

    public static func hint(for dialect: Dialect) -> String {
        switch dialect {
        case .evenkeel: "Set listeners.proxy.tls.min_version to \"1.2\" (the default) or \"1.3\"."
        case .haproxy: "Use 'ssl-min-ver TLSv1.2' on the bind line (or in ssl-default-bind-options)."
        case .nginx: "Use 'ssl_protocols TLSv1.2 TLSv1.3;'."
        }
    }

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.frontends.compactMap { frontend in
            guard let tls = frontend.tls, !tls.legacyVersions.isEmpty else { return nil }
            return config.finding(self, line: tls.legacyVersionsLine, "\(frontend.name) accepts \(tls.legacyVersions.joined(separator: " and "))")
        }
    }
}
