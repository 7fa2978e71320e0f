import Foundation

/// A fault a drill injects into a replica: extra latency, a share of 500 answers, on some paths, for a while. Only a
/// replica started with `--fault-injection` takes one (`POST /admin/faults`).
public struct InjectedFault: Sendable, Codable, Equatable {
    /// Milliseconds added before each affected request is handled.
    public var latencyMs: Int
    /// The share of affected requests answered 500, 0...1.
    public var errorRatio: Double
    /// Path prefixes affected; empty means every path but the operations endpoints (`/healthz`, `/readyz`,
    /// `/metrics`, `/admin/`), so health checks keep passing and the fault looks like a sick replica, not a dead one.
    public var paths: [String]
    /// When it ends by itself.
    public var until: Date

    public init(latencyMs: Int = 0, errorRatio: Double = 0, paths: [String] = [], until: Date) {
        self.latencyMs = latencyMs
        self.errorRatio = errorRatio
        self.paths = paths
        self.until = until
    }

    enum CodingKeys: String, CodingKey {
        case paths, until
        case latencyMs = "latency_ms"
        case errorRatio = "error_ratio"
    }

    /// Whether a request for `path` is affected.
    public func affects(_ path: String) -> Bool {
        if paths.isEmpty {
            return !["/healthz", "/readyz", "/metrics", "/admin/"].contains { path == $0 || path.hasPrefix($0) }
        }
        return paths.contains { path.hasPrefix($0) }
    }
}

/// `POST /admin/faults`: what to inject and for how long.
struct FaultRequest: Decodable {
    var latencyMs: Int?
    var errorRatio: Double?
    var paths: [String]?
    /// How long it lasts, seconds (default 60, at most 3600).
    var seconds: Double?

    enum CodingKeys: String, CodingKey {
        case paths, seconds
        case latencyMs = "latency_ms"
        case errorRatio = "error_ratio"
    }
}
