/// The load-balancing algorithm of a pool. Every algorithm is weight-aware.
public enum AlgorithmConfig: Sendable, Equatable, CustomStringConvertible {
    /// Smooth weighted round robin, shared across event loops so the split is exact.
    case roundRobin
    /// Fewest in-flight requests relative to weight.
    case leastConnections
    /// Power of two random choices, comparing in-flight × latency EWMA.
    case p2cEWMA
    /// Consistent hashing of a request key; `boundedLoad` (e.g. 1.25) caps a backend at that factor of
    /// the mean in-flight load, spilling further requests to the next backend in the table.
    case consistentHash(key: HashKeySource, boundedLoad: Double?)
    /// Weighted random choice.
    case random

    /// The name used in the configuration file (`round_robin`, `least_connections`, …).
    public var name: String {
        switch self {
        case .roundRobin: "round_robin"
        case .leastConnections: "least_connections"
        case .p2cEWMA: "p2c_ewma"
        case .consistentHash: "consistent_hash"
        case .random: "random"
        }
    }

    /// All names accepted for `algorithm` / `algorithm.type`.
    public static let names = ["round_robin", "least_connections", "p2c_ewma", "consistent_hash", "random"]

    /// The name plus the hash key and bounded-load factor where present.
    public var description: String {
        switch self {
        case .consistentHash(let key, let bound):
            "consistent_hash(key: \(key)\(bound.map { ", bounded_load: \($0)" } ?? ""))"
        default: name
        }
    }
}

/// What a consistent-hash pool hashes to choose a backend.
public enum HashKeySource: Sendable, Equatable, CustomStringConvertible {
    /// The client's IP address.
    case sourceIP
    /// The value of a request header (case-insensitive name).
    case header(String)
    /// The value of a cookie.
    case cookie(String)

    /// Parses `source_ip`, `header:NAME` or `cookie:NAME`.
    public init?(parsing text: String) {
        if text == "source_ip" {
            self = .sourceIP
        } else if text.hasPrefix("header:"), text.count > 7 {
            self = .header(String(text.dropFirst(7)))
        } else if text.hasPrefix("cookie:"), text.count > 7 {
            self = .cookie(String(text.dropFirst(7)))
        } else {
            return nil
        }
    }

    /// The configuration-file spelling.
    public var description: String {
        switch self {
        case .sourceIP: "source_ip"
        case .header(let name): "header:\(name)"
        case .cookie(let name): "cookie:\(name)"
        }
    }
}
