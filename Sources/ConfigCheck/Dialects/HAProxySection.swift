import Foundation
/// What one HAProxy section (defaults, frontend, backend or listen) says that matters to traffic sharing;
/// a proxy section starts as a copy of the defaults before it.
struct HAProxySection {
    enum Kind: String {
        case defaults, frontend, backend, listen
    }

    /// A `server` line.
    struct ServerLine {
        var name: ConfigToken
        var address: ConfigToken
        var parameters: [String: ConfigToken?]
        var order: [String]
    }

    var kind: Kind
    var name: String
    var line: Int
    var balance: [ConfigToken] = []
    var balanceLine: Int?
    var consistentHashing = false
    var maxConnections: (value: Int, line: Int)?
    var retries: (value: Int, line: Int)?
    var retryOn: (triggers: [String], line: Int)?
    var timeouts: [String: (value: Duration, line: Int)] = [:]
    /// `default-server` parameters, applied under each server's own.
    var defaultServer: [String: ConfigToken?] = [:]
    var defaultServerLine: Int?
    var cookie: (words: [String], line: Int)?
    var stickTable: (expiry: Duration?, line: Int)?
    var sticksOn: Int?
    var servers: [ServerLine] = []
    var backends: [String] = []
    /// From `bind … ssl crt …` lines.
    var tls: CheckedTLS?

    /// A proxy section of `kind` that inherits these defaults.
    func inherited(as kind: Kind, name: String, line: Int) -> HAProxySection {
        var section = self
        section.kind = kind
        section.name = name
        section.line = line
        section.servers = []
        section.backends = []
        section.stickTable = nil
        section.sticksOn = nil
        section.tls = nil
        return section
    }
}
