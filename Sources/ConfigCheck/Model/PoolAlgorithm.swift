import Foundation
/// How a pool chooses a server, across dialects; each maps to one of the balancer's picking types.
public enum PoolAlgorithm: Sendable, Equatable, CustomStringConvertible {
    /// Weighted round robin (Evenkeel `round_robin`, HAProxy `roundrobin`/`static-rr`, the nginx default).
    case roundRobin
    /// Fewest requests in flight per weight.
    case leastConnections
    /// Power of two choices on load × latency (Evenkeel `p2c_ewma`).
    case p2cEWMA
    /// Weighted random (HAProxy `random`, nginx `random`).
    case random
    /// The first server below its connection limit (HAProxy `first`); ignores weights.
    case first
    /// A hash of a request key picks the server.
    case hash(HashPolicy)

    /// Whether server weights change the split.
    public var usesWeights: Bool { self != .first }

    public var description: String {
        switch self {
        case .roundRobin: "round robin"
        case .leastConnections: "least connections"
        case .p2cEWMA: "p2c EWMA"
        case .random: "random"
        case .first: "first available"
        case .hash(let policy): "hash on \(policy.key) (\(policy.placement))"
        }
    }
}

/// What a hashing pool hashes and how it places hashes on servers.
public struct HashPolicy: Sendable, Equatable {
    public var key: HashKey
    public var placement: HashPlacement

    public init(key: HashKey, placement: HashPlacement) {
        self.key = key
        self.placement = placement
    }
}

/// The request value a pool hashes.
public enum HashKey: Sendable, Equatable, CustomStringConvertible {
    /// The client's address.
    case sourceIP
    /// The first three octets of the client's IPv4 address (nginx `ip_hash`): a whole /24 goes to one server.
    case sourceIPv4Prefix24
    case header(String)
    case cookie(String)
    /// The request URI.
    case uri
    case urlParameter(String)
    /// An expression the checker does not model (treated as one value per client).
    case expression(String)
    /// The same text for every request: everything goes to one server.
    case constant(String)

    public var description: String {
        switch self {
        case .sourceIP: "the client address"
        case .sourceIPv4Prefix24: "the client's /24 network"
        case .header(let name): "header \(name)"
        case .cookie(let name): "cookie \(name)"
        case .uri: "the URI"
        case .urlParameter(let name): "URL parameter \(name)"
        case .expression(let text): "\(text)"
        case .constant(let text): "the constant '\(text)'"
        }
    }
}

/// How hashes map to servers.
public enum HashPlacement: Sendable, Equatable, CustomStringConvertible {
    /// Evenkeel's Maglev table, optionally with bounded load.
    case maglev(boundedLoad: Double?)
    /// A ring with this many points per unit of weight (HAProxy consistent: 16, nginx consistent: 160).
    case ring(pointsPerWeight: Int)
    /// Hash modulo total weight (HAProxy map-based, nginx `hash` and `ip_hash`).
    case modulo

    public var description: String {
        switch self {
        case .maglev(let bound): bound.map { "Maglev, bounded load \($0)" } ?? "Maglev"
        case .ring(let points): "ring, \(points) points per weight"
        case .modulo: "modulo total weight"
        }
    }
}
