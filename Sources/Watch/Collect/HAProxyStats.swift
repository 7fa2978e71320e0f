import BalancerAPI

/// HAProxy's statistics in CSV (`stats uri` with `;csv`), read into pool samples: per server `lbtot` (times the
/// balancer picked it), `hrsp_5xx`, `econ`, `scur`, `rtime` (recent average response time), `status` and
/// `weight`; per backend `qcur`.
public enum HAProxyStats {
    /// What is wrong with a CSV document, in words.
    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    static let required = ["pxname", "svname", "status", "weight", "bck", "lbtot", "hrsp_5xx", "econ", "scur", "qcur", "rtime"]

    /// The pools (HAProxy backends) of `csv`.
    public static func parse(_ csv: String) throws(Malformed) -> [PoolSample] {
        var lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first, header.hasPrefix("# ") else {
            throw Malformed(description: "the first line is not HAProxy's CSV header ('# pxname,svname,…')")
        }
        lines.removeFirst()
        let names = header.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var column: [String: Int] = [:]
        for (i, name) in names.enumerated() { column[name] = i }
        if let missing = required.first(where: { column[$0] == nil }) {
            throw Malformed(description: "the header has no '\(missing)' column")
        }
        var order: [String] = []
        var servers: [String: [(name: String, state: BackendStatus, weight: Int, backup: Bool, requests: Int, errors: Int, connect: Int, current: Int, rtime: Double)]] = [:]
        var queues: [String: Int] = [:]
        for (number, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= names.count - 1 else {
                throw Malformed(description: "line \(number + 2) has \(fields.count) fields where the header names \(names.count)")
            }
            func text(_ name: String) -> String { column[name].flatMap { $0 < fields.count ? fields[$0] : nil } ?? "" }
            func int(_ name: String) -> Int { Int(text(name)) ?? 0 }
            let pool = text("pxname"), server = text("svname")
            switch server {
            case "FRONTEND": continue
            case "BACKEND":
                queues[pool] = int("qcur")
                continue
            default: break
            }
            if servers[pool] == nil {
                order.append(pool)
                servers[pool] = []
            }
            servers[pool]?.append(
                (server, state(text("status")), int("weight"), text("bck") == "1", int("lbtot"), int("hrsp_5xx"), int("econ"), int("scur"),
                 Double(text("rtime")) ?? 0))
        }
        return order.map { pool in
            let list = servers[pool] ?? []
            let primaries = list.filter { !$0.backup && $0.state == .healthy && $0.weight > 0 }
            let eligible = primaries.isEmpty ? list.filter { $0.backup && $0.state == .healthy && $0.weight > 0 } : primaries
            let total = eligible.reduce(0) { $0 + $1.weight }
            let backends = list.map { s in
                let counted = eligible.contains { $0.name == s.name }
                return PoolSample.Backend(
                    name: s.name, state: s.state, weight: s.weight, effectiveWeight: Double(s.state == .healthy ? s.weight : 0),
                    expectedShare: counted && total > 0 ? Double(s.weight) / Double(total) : 0, backup: s.backup, requests: s.requests,
                    errors5xx: s.errors, connectErrors: s.connect, responses: s.requests, inFlight: s.current, latencyBuckets: [:],
                    reportedLatency: s.rtime)
            }
            return PoolSample(name: pool, algorithm: "haproxy", queueDepth: queues[pool] ?? 0, backends: backends, configHashes: [])
        }
    }

    /// A server's `status` as Watch's states: UP (also going down, `UP 1/3`) and `no check` are healthy; DOWN
    /// (also coming up) is down; DRAIN, NOLB and MAINT take no new traffic by decision, as draining does.
    static func state(_ status: String) -> BackendStatus {
        if status.hasPrefix("UP") || status == "no check" || status == "OPEN" { return .healthy }
        if status.hasPrefix("DOWN") { return .down }
        return .draining
    }
}
