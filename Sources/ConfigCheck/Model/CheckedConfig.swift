import Foundation
import BalancerConfig

/// A balancer configuration of any dialect, reduced to what decides how traffic is shared: the frontends,
/// the pools behind them and their servers, each with the line it is written on. The rules look at this.
public struct CheckedConfig: Sendable {
    public var dialect: Dialect
    /// The file as named to the checker.
    public var file: String
    /// The file's text, line by line, to show the offending line in reports.
    public var text: [String]
    public var frontends: [CheckedFrontend]
    public var pools: [CheckedPool]

    public init(dialect: Dialect, file: String, text: [String], frontends: [CheckedFrontend], pools: [CheckedPool]) {
        self.dialect = dialect
        self.file = file
        self.text = text
        self.frontends = frontends
        self.pools = pools
    }

    /// The folder relative file names in the configuration are read from; nil when the configuration is not a file
    /// (a reload's, checked in memory), whose files the balancer itself reads.
    public var folder: String? {
        guard !file.hasPrefix("<") else { return nil }
        return URL(fileURLWithPath: file).deletingLastPathComponent().path
    }

    /// A finding of `rule` on `line` of this file.
    func finding(_ rule: any Rule, _ severity: Severity? = nil, line: Int, _ message: String) -> Finding {
        Finding(
            rule: type(of: rule).id, severity: severity ?? type(of: rule).severity, file: file, line: max(1, line),
            message: message, hint: type(of: rule).hint(for: dialect))
    }
}

/// Where clients connect: a listener, an HAProxy frontend or listen section, an nginx `server` block.
public struct CheckedFrontend: Sendable {
    public var name: String
    public var line: Int
    /// Client connections it accepts at once, when a limit is written or implied by defaults.
    public var maxConnections: Int?
    /// The line of that limit (the frontend's own line when it is a default).
    public var maxConnectionsLine: Int
    /// Names of the pools it sends requests to.
    public var pools: [String]
    /// Its TLS, when it terminates TLS.
    public var tls: CheckedTLS?

    public init(name: String, line: Int, maxConnections: Int?, maxConnectionsLine: Int, pools: [String], tls: CheckedTLS? = nil) {
        self.tls = tls
        self.name = name
        self.line = line
        self.maxConnections = maxConnections
        self.maxConnectionsLine = maxConnectionsLine
        self.pools = pools
    }
}
