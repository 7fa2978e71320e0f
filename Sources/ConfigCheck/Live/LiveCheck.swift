import Foundation
import LoadGen

/// Sends a bounded number of probe requests through a running balancer, counts the backend named in each
/// response, and compares the observed shares with the intended ones (``LiveCheckResult``).
///
/// The probes go out with the project's load generator (closed model: a few keep-alive connections, one
/// request at a time each), so they are ordinary client traffic to the balancer and its algorithm. The
/// check fails on the share ratio, not on the p-value alone, and names backends that answered without
/// being meant to and intended backends that answered nothing.
public struct LiveCheck: Sendable {
    /// The largest observed/intended share ratio accepted unless told otherwise.
    public static let defaultTolerance = 1.2
    /// The most probes one check may send.
    public static let maxRequests = 1_000_000

    /// Balancer host.
    public var host: String
    /// Balancer port.
    public var port: Int
    /// Path requested by every probe (it picks the pool).
    public var path: String
    /// Whether the probes go over TLS (an `https` target).
    public var secure: Bool
    /// Probes to send.
    public var requests: Int
    /// Keep-alive connections the probes share.
    public var connections: Int
    /// Per-probe timeout, seconds.
    public var timeout: Double
    /// The check stops sending after this many seconds even if probes remain.
    public var maxDuration: Double
    /// Response headers that name the backend; the first present wins.
    public var backendHeaders: [String]
    /// Backend name → intended weight.
    public var intended: [String: Double]
    /// Largest accepted observed/intended share ratio.
    public var tolerance: Double
    /// Printed with the result (e.g. ``IntendedDistribution/caveat``).
    public var notes: [String]

    /// A check of `target` (`http://HOST:PORT[/PATH]`, the path defaulting to `/`) against `intended`
    /// weights; every setting is validated here, so `run()` cannot fail on them.
    public init(
        target: String, intended: [String: Double], requests: Int = 1000, tolerance: Double = defaultTolerance,
        backendHeaders: [String] = ["X-Evenkeel-Backend"], connections: Int = 8, timeout: Double = 5,
        maxDuration: Double = 60, notes: [String] = []
    ) throws(LiveCheckError) {
        let parts = try Self.parse(target: target)
        host = parts.host
        port = parts.port
        path = parts.path
        secure = parts.secure
        guard (1...Self.maxRequests).contains(requests) else {
            throw .invalidSetting(name: "requests", value: "\(requests)", expected: "1...\(Self.maxRequests)")
        }
        guard tolerance.isFinite, tolerance >= 1 else {
            throw .invalidSetting(name: "tolerance", value: "\(tolerance)", expected: "a ratio of at least 1 (e.g. 1.2)")
        }
        guard (1...1024).contains(connections) else {
            throw .invalidSetting(name: "connections", value: "\(connections)", expected: "1...1024")
        }
        guard timeout.isFinite, timeout > 0 else {
            throw .invalidSetting(name: "timeout", value: "\(timeout)", expected: "a positive number of seconds")
        }
        guard maxDuration.isFinite, maxDuration > 0 else {
            throw .invalidSetting(name: "maxDuration", value: "\(maxDuration)", expected: "a positive number of seconds")
        }
        guard !backendHeaders.isEmpty else {
            throw .invalidSetting(name: "backend header", value: "", expected: "at least one header name")
        }
        guard !intended.isEmpty else { throw .noIntendedShares("the intended set is empty") }
        guard intended.values.allSatisfy({ $0.isFinite && $0 >= 0 }), intended.values.contains(where: { $0 > 0 }) else {
            throw .noIntendedShares("weights must be finite, not negative, and at least one positive")
        }
        self.requests = requests
        self.tolerance = tolerance
        self.connections = min(connections, requests)
        self.timeout = timeout
        self.maxDuration = maxDuration
        self.backendHeaders = backendHeaders
        self.intended = intended
        self.notes = notes
    }

    /// A check against an ``IntendedDistribution``: its weights, its backend header, and its caveat as a note.
    public init(
        target: String, distribution: IntendedDistribution, requests: Int = 1000, tolerance: Double = defaultTolerance,
        connections: Int = 8, timeout: Double = 5, maxDuration: Double = 60
    ) throws(LiveCheckError) {
        try self.init(
            target: target, intended: distribution.weights, requests: requests, tolerance: tolerance,
            backendHeaders: [distribution.backendHeader], connections: connections, timeout: timeout, maxDuration: maxDuration,
            notes: distribution.caveat.map { [$0] } ?? [])
    }

    /// The URL the probes request.
    public var target: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(secure ? "https" : "http")://\(hostPart):\(port)\(path)"
    }

    /// Sends the probes and judges what came back. Failed probes are counted, never thrown.
    public func run() async -> LiveCheckResult {
        var test = LoadTest(
            host: host, port: port, mix: .single(path: path), model: .closed(connections: connections), duration: maxDuration,
            maxRequests: requests, connections: connections, timeout: timeout, backendHeaders: backendHeaders)
        // The distribution is the question here, not the certificate's trust: any certificate is taken.
        if secure { test.tls = ClientTLS(verifyCertificates: false) }
        let report = await test.run()
        return result(of: report)
    }

    /// Judges a load generator's report; separate from `run()` so the arithmetic is testable on its own.
    func result(of report: LoadReport) -> LiveCheckResult {
        var counts: [String: Int] = [:]
        for backend in report.backends where backend.responses > 0 {
            counts[backend.name, default: 0] += backend.responses
        }
        let answered = report.statuses.values.reduce(0, +)
        let attributed = counts.values.reduce(0, +)
        return LiveCheckResult(
            target: target, probes: report.requests, counts: counts, unattributed: max(0, answered - attributed),
            failures: report.failures, statuses: report.statuses, intended: intended, tolerance: tolerance, notes: notes)
    }

    /// Splits `http://HOST[:PORT][/PATH][?QUERY]` into its parts.
    static func parse(target: String) throws(LiveCheckError) -> (host: String, port: Int, path: String, secure: Bool) {
        do {
            let parsed = try HTTPTarget(parsing: target)
            return (parsed.host, parsed.port, parsed.path, parsed.secure)
        } catch {
            throw .invalidTarget(target, reason: error.reason)
        }
    }
}
