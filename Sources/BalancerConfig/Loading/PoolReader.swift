import Yams

/// Reads one entry of `pools`, including its backends and policies.
enum PoolReader {
    static let keys = [
        "name", "path_prefix", "backends", "algorithm", "health", "outlier", "slow_start", "retry",
    ]

    static func read(_ node: Node, index: Int, file: String) throws -> (PoolConfig, MappingReader) {
        let r = try MappingReader(node, section: "pools[\(index)]", file: file, known: keys)
        var pool = PoolConfig(backends: [])
        pool.name = try r.string("name", default: index == 0 ? "default" : "pool\(index)")
        pool.pathPrefix = try r.string("path_prefix", default: "/")
        if !pool.pathPrefix.hasPrefix("/") {
            throw ConfigError.invalidValue(r.location("path_prefix"), key: r.path("path_prefix"), value: pool.pathPrefix, expected: "a path starting with '/'")
        }
        pool.algorithm = try readAlgorithm(r)
        if let h = try r.child("health", known: ["enabled", "path", "interval", "timeout", "rise", "fall"]) {
            let d = HealthConfig()
            pool.health = HealthConfig(
                enabled: try h.bool("enabled", default: d.enabled),
                path: try h.string("path", default: d.path),
                interval: try h.duration("interval", default: d.interval, range: .milliseconds(10)...(.seconds(3600))),
                timeout: try h.duration("timeout", default: d.timeout, range: .milliseconds(1)...(.seconds(600))),
                rise: try h.int("rise", default: d.rise, range: 1...100),
                fall: try h.int("fall", default: d.fall, range: 1...100))
            if !pool.health.path.hasPrefix("/") {
                throw ConfigError.invalidValue(h.location("path"), key: h.path("path"), value: pool.health.path, expected: "a path starting with '/'")
            }
            if pool.health.timeout > pool.health.interval {
                throw ConfigError.inconsistent(h.location("timeout"), problem: "\(h.path("timeout")) must not exceed \(h.path("interval"))")
            }
        }
        if let o = try r.child("outlier", known: ["enabled", "consecutive_failures", "base_ejection_time", "max_ejection_percent"]) {
            let d = OutlierConfig()
            pool.outlier = OutlierConfig(
                enabled: try o.bool("enabled", default: d.enabled),
                consecutiveFailures: try o.int("consecutive_failures", default: d.consecutiveFailures, range: 1...1000),
                baseEjectionTime: try o.duration("base_ejection_time", default: d.baseEjectionTime, range: .milliseconds(1)...(.seconds(86_400))),
                maxEjectionPercent: try o.int("max_ejection_percent", default: d.maxEjectionPercent, range: 0...100))
        }
        pool.slowStart = try r.duration("slow_start", default: .zero, range: .zero...(.seconds(3600)))
        if let t = try r.child("retry", known: ["attempts", "budget_percent"]) {
            let d = RetryConfig()
            pool.retry = RetryConfig(
                attempts: try t.int("attempts", default: d.attempts, range: 0...10),
                budgetPercent: try t.int("budget_percent", default: d.budgetPercent, range: 0...100))
        }
        guard let backendNodes = try r.sequence("backends", expected: "a list of backends") else {
            throw ConfigError.missingKey(r.location, key: "backends", section: r.section)
        }
        guard !backendNodes.isEmpty else {
            throw ConfigError.invalidValue(r.location("backends"), key: r.path("backends"), value: "[]", expected: "at least one backend")
        }
        var names: [String: ConfigLocation] = [:]
        var addresses: [BackendAddress: ConfigLocation] = [:]
        for (i, bn) in backendNodes.enumerated() {
            let b = try MappingReader(
                bn, section: "\(r.section).backends[\(i)]", file: file,
                known: ["name", "address", "weight", "backup", "max_connections"])
            let addressText = try b.requiredString("address")
            guard let address = BackendAddress(parsing: addressText) else {
                throw ConfigError.invalidValue(b.location("address"), key: b.path("address"), value: addressText, expected: "host:port with a port in 1...65535 (IPv6 as [addr]:port)")
            }
            let backend = BackendConfig(
                name: try b.string("name", default: addressText),
                address: address,
                weight: try b.int("weight", default: BackendConfig.defaultWeight, range: 0...BackendConfig.maxWeight),
                backup: try b.bool("backup", default: false),
                maxConnections: try b.int("max_connections", default: BackendConfig.defaultMaxConnections, range: 1...100_000))
            if !backend.name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) {
                throw ConfigError.invalidValue(
                    b.location("name"), key: b.path("name"), value: backend.name,
                    expected: "printable ASCII without spaces (it is sent in a response header)")
            }
            if let first = names[backend.name] {
                throw ConfigError.duplicateName(b.location("name"), kind: "backend", name: backend.name, firstAt: first)
            }
            if let first = addresses[address] {
                throw ConfigError.inconsistent(
                    b.location("address"), problem: "backend address \(address) is listed twice in \(r.section) (first at \(first.line):\(first.column))")
            }
            names[backend.name] = b.location("name")
            addresses[address] = b.location("address")
            pool.backends.append(backend)
        }
        if !pool.backends.contains(where: { !$0.backup && $0.weight > 0 }) {
            throw ConfigError.inconsistent(r.location("backends"), problem: "\(r.section) has no primary (non-backup) backend with a weight above 0")
        }
        return (pool, r)
    }

    static func readAlgorithm(_ r: MappingReader) throws -> AlgorithmConfig {
        guard let node = r.node("algorithm") else { return .roundRobin }
        let expected = "one of \(AlgorithmConfig.names.joined(separator: ", "))"
        let name: String
        var key: HashKeySource = .sourceIP
        var bound: Double? = nil
        var typeLocation = r.location("algorithm")
        if let scalar = node.scalar {
            name = scalar.string
        } else {
            let a = try MappingReader(node, section: r.path("algorithm"), file: r.file, known: ["type", "key", "bounded_load"])
            name = try a.requiredString("type")
            typeLocation = a.location("type")
            if let keyText = try a.scalarText("key", expected: "source_ip, header:NAME or cookie:NAME") {
                guard let parsed = HashKeySource(parsing: keyText) else {
                    throw ConfigError.invalidValue(a.location("key"), key: a.path("key"), value: keyText, expected: "source_ip, header:NAME or cookie:NAME")
                }
                key = parsed
            }
            bound = try a.double("bounded_load", default: nil, range: 1.0...10.0)
            if name != "consistent_hash", a.node("key") != nil || a.node("bounded_load") != nil {
                let which = a.node("key") != nil ? "key" : "bounded_load"
                throw ConfigError.inconsistent(a.keyLocation(which), problem: "'\(which)' only applies to consistent_hash, not \(name)")
            }
        }
        switch name {
        case "round_robin": return .roundRobin
        case "least_connections": return .leastConnections
        case "p2c_ewma": return .p2cEWMA
        case "consistent_hash": return .consistentHash(key: key, boundedLoad: bound)
        case "random": return .random
        default:
            let hint = KeySuggestion.nearest(to: name, in: AlgorithmConfig.names).map { " (did you mean '\($0)'?)" } ?? ""
            throw ConfigError.invalidValue(typeLocation, key: r.path("algorithm"), value: name, expected: expected + hint)
        }
    }
}
