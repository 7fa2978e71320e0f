import Foundation
import TLSMaterial

/// A certificate served on a TLS frontend that has expired or expires soon: browsers refuse the site on the day.
public struct CertificateExpiryRule: Rule {
    public static let id = "EK123"
    public static let title = "certificate expires soon"
    public static let severity = Severity.warning
    public static let hint = "Renew the certificate and reload before it expires; automate renewal (ACME) with a reload after it."

    /// How many days ahead an expiry is a warning.
    public let warningDays: Int
    /// The time to judge expiry at.
    public let now: @Sendable () -> Date

    public init(warningDays: Int = 21, now: @escaping @Sendable () -> Date = { Date() }) {
        self.warningDays = warningDays
        self.now = now
    }

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        guard let folder = config.folder else { return [] }
        let now = now()
        return config.frontends.flatMap { frontend -> [Finding] in
            (frontend.tls?.certificates ?? []).compactMap { file in
                // An unreadable file is EK124's finding.
                guard let expiry = try? CertificateFiles.expiry(of: file.certificate, relativeTo: folder) else { return nil }
                let left = expiry.timeIntervalSince(now)
                let day = Self.dayText(expiry)
                if left <= 0 {
                    return config.finding(self, .error, line: file.line, "\(file.certificate) expired on \(day): clients refuse \(frontend.name)")
                }
                let days = Int(left / 86_400)
                guard days < warningDays else { return nil }
                return config.finding(self, line: file.line, "\(file.certificate) expires on \(day), in \(days) day\(days == 1 ? "" : "s")")
            }
        }
    }

    static func dayText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}
