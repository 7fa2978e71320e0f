/// One upstream server in a pool.
public struct BackendConfig: Sendable, Equatable {
    /// Unique name within the pool; reported in stats and in the backend response header.
    public var name: String
    /// Where the backend listens.
    public var address: BackendAddress
    /// Relative share of traffic (0 means none); range 0...10000.
    public var weight: Int
    /// A backup backend only gets traffic when no primary backend is eligible.
    public var backup: Bool
    /// Most concurrent requests sent to this backend; further requests wait in the pool queue.
    public var maxConnections: Int

    /// Default weight.
    public static let defaultWeight = 1
    /// Default concurrent request limit.
    public static let defaultMaxConnections = 100
    /// Highest accepted weight.
    public static let maxWeight = 10_000

    /// Creates a backend with the documented defaults.
    public init(
        name: String,
        address: BackendAddress,
        weight: Int = BackendConfig.defaultWeight,
        backup: Bool = false,
        maxConnections: Int = BackendConfig.defaultMaxConnections
    ) {
        self.name = name
        self.address = address
        self.weight = weight
        self.backup = backup
        self.maxConnections = maxConnections
    }
}

/// A `host:port` pair naming a backend; IPv6 literals are written `[::1]:8080`.
public struct BackendAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Host name or IP literal (without brackets).
    public var host: String
    /// TCP port, 1...65535.
    public var port: Int

    /// Creates an address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`; returns nil when the text is not such an address.
    public init?(parsing text: String) {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty,
            host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }),
            let port = Int(portText), (1...65_535).contains(port)
        else { return nil }
        self.host = String(host)
        self.port = port
    }

    /// `host:port`, with brackets around IPv6 literals.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
