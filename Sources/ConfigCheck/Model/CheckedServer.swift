import Foundation
/// One server of a pool, as configured.
public struct CheckedServer: Sendable, Equatable {
    public var name: String
    /// Host name or address, as written.
    public var host: String
    /// Port, 0 when not written (HAProxy then uses the client's destination port).
    public var port: Int
    public var weight: Int
    public var backup: Bool
    /// Connections it takes at once, nil when unlimited.
    public var maxConnections: Int?
    /// Marked down or disabled in the configuration: it takes no traffic.
    public var down: Bool
    /// Its name is looked up again while running (HAProxy `resolvers`, nginx `resolve`), not only at start.
    public var resolvedAtRuntime: Bool
    /// Failed requests never take it out (nginx `max_fails=0`).
    public var passiveChecksDisabled: Bool
    public var line: Int
    public var weightLine: Int
    public var addressLine: Int

    public init(
        name: String, host: String, port: Int, weight: Int = 1, backup: Bool = false, maxConnections: Int? = nil, down: Bool = false,
        resolvedAtRuntime: Bool = false, passiveChecksDisabled: Bool = false, line: Int, weightLine: Int? = nil, addressLine: Int? = nil
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.weight = weight
        self.backup = backup
        self.maxConnections = maxConnections
        self.down = down
        self.resolvedAtRuntime = resolvedAtRuntime
        self.passiveChecksDisabled = passiveChecksDisabled
        self.line = line
        self.weightLine = weightLine ?? line
        self.addressLine = addressLine ?? line
    }

    /// `host:port` as written, `[v6]:port` for IPv6.
    public var address: String {
        let shownHost = host.contains(":") && !host.hasPrefix("unix:") ? "[\(host)]" : host
        return port > 0 ? "\(shownHost):\(port)" : shownHost
    }

    /// Whether the host is a literal address (or a socket path), so nothing needs resolving.
    public var hostIsLiteral: Bool {
        if host.hasPrefix("unix:") || host.hasPrefix("/") || host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}
