import BalancerConfig
import Yams

/// Where each part of an Evenkeel balancer configuration is written, so findings point at the line to change.
public struct SourceMap: Sendable {
    public let file: String
    private let lines: [String: Int]
    /// The file's text, line by line, to show the offending line in reports.
    public let text: [String]

    /// Reads the positions of pools, backends and their sections from the YAML.
    public init(file: String, yaml: String) {
        self.file = file
        self.text = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lines: [String: Int] = [:]
        if let root = try? Yams.compose(yaml: yaml) {
            func record(_ path: String, _ node: Node?) {
                if let line = node?.mark?.line { lines[path] = line }
            }
            record("", root)
            for key in ["listeners", "timeouts", "limits"] { record(key, root[Node(key)]) }
            if let limits = root[Node("limits")] {
                for key in ["queue_size", "max_client_connections"] { record("limits.\(key)", limits[Node(key)]) }
            }
            if let timeouts = root[Node("timeouts")] { record("timeouts.queue", timeouts[Node("queue")]) }
            if let tls = root[Node("listeners")]?[Node("proxy")]?[Node("tls")] {
                record("listeners.proxy.tls", tls)
                record("listeners.proxy.tls.min_version", tls[Node("min_version")])
                for (index, pair) in (tls[Node("certificates")]?.sequence ?? []).enumerated() {
                    record("listeners.proxy.tls.certificates[\(index)]", pair)
                }
            }
            for (poolIndex, pool) in (root[Node("pools")]?.sequence ?? []).enumerated() {
                let poolPath = "pools[\(poolIndex)]"
                record(poolPath, pool)
                for key in ["algorithm", "health", "outlier", "retry", "slow_start", "backends"] {
                    record("\(poolPath).\(key)", pool[Node(key)])
                }
                if let health = pool[Node("health")] {
                    for key in ["enabled", "interval", "fall", "rise"] { record("\(poolPath).health.\(key)", health[Node(key)]) }
                }
                for (backendIndex, backend) in (pool[Node("backends")]?.sequence ?? []).enumerated() {
                    let backendPath = "\(poolPath).backends[\(backendIndex)]"
                    record(backendPath, backend)
                    for key in ["weight", "address", "backup", "max_connections"] {
                        record("\(backendPath).\(key)", backend[Node(key)])
                    }
                }
            }
        }
        self.lines = lines
    }

    /// The line of `path`, or of the nearest enclosing part that is written, or 1.
    public func line(_ path: String) -> Int {
        var path = path
        while true {
            if let line = lines[path] { return line }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return lines[""] ?? 1 }
            path = String(path[..<cut])
        }
    }
}
