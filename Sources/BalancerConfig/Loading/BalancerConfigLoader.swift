import Foundation
import Yams

/// Loads a ``BalancerConfiguration`` from YAML, reporting every fault as a ``ConfigError`` that names
/// `file:line:column` and what was expected there. Unknown keys are errors, every absent value takes its
/// documented default, and semantic rules (unique names, a primary backend per pool, …) are checked here
/// too, while the source positions are still known.
public enum BalancerConfigLoader {
    package static let rootSection = "the configuration"

    /// Reads and parses the file at `path`.
    public static func load(contentsOf path: String) throws(ConfigError) -> BalancerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: "\(error.localizedDescription)")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses YAML text; `file` is only used in error messages.
    public static func parse(yaml: String, file: String = "<config>") throws(ConfigError) -> BalancerConfiguration {
        do {
            guard let root = try compose(yaml: yaml) else {
                throw ConfigError.missingKey(ConfigLocation(file: file, line: 1, column: 1), key: "pools", section: "the configuration")
            }
            return try readRoot(root, file: file)
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw .syntax(ConfigLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
    }

    package static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        func at(_ mark: Mark) -> ConfigLocation { ConfigLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? problem
            return .syntax(at(mark), problem: detail)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .syntax(at(context.mark), problem: "duplicate keys \(duplicates.joined(separator: ", ")) in one mapping")
        default:
            return .syntax(ConfigLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
    }

    static func readRoot(_ root: Node, file: String) throws -> BalancerConfiguration {
        let reader = try MappingReader(
            root, section: rootSection, file: file,
            known: ["listeners", "pools", "timeouts", "limits", "backend_header", "access_log"])
        var config = BalancerConfiguration(pools: [])
        if let listeners = try reader.child("listeners", known: ["proxy", "admin"]) {
            config.listeners.proxy = try readListen(listeners, "proxy", default: config.listeners.proxy, extra: ["tls"])
            if let proxy = try listeners.child("proxy", known: ["address", "port", "tls"]),
                let tls = try proxy.child("tls", known: ["certificates", "min_version", "http2"])
            {
                config.listeners.proxyTLS = try readTLS(tls, file: file)
            }
            config.listeners.admin = try readListen(listeners, "admin", default: config.listeners.admin, extra: ["token_file"])
            if let admin = try listeners.child("admin", known: ["address", "port", "token_file"]), admin.node("token_file") != nil {
                let path = try admin.requiredString("token_file")
                guard !path.isEmpty else {
                    throw ConfigError.invalidValue(admin.location("token_file"), key: admin.path("token_file"), value: path, expected: "a file path")
                }
                config.listeners.adminTokenFile = path
            }
        }
        if let t = try reader.child("timeouts", known: ["connect", "response", "idle", "header_read", "queue", "tunnel"]) {
            let r = Duration.milliseconds(1)...Duration.seconds(3600)
            config.timeouts = TimeoutsConfig(
                connect: try t.duration("connect", default: config.timeouts.connect, range: r),
                response: try t.duration("response", default: config.timeouts.response, range: r),
                idle: try t.duration("idle", default: config.timeouts.idle, range: r),
                headerRead: try t.duration("header_read", default: config.timeouts.headerRead, range: r),
                queue: try t.duration("queue", default: config.timeouts.queue, range: r),
                tunnel: try t.duration("tunnel", default: config.timeouts.tunnel, range: Duration.seconds(1)...Duration.seconds(86_400)))
        }
        if let l = try reader.child("limits", known: [
                "max_header_bytes", "max_body_bytes", "queue_size", "max_client_connections", "underscores_in_headers",
                "http2_max_concurrent_streams",
            ])
        {
            config.limits = LimitsConfig(
                maxHeaderBytes: try l.int("max_header_bytes", default: config.limits.maxHeaderBytes, range: 1024...1_048_576),
                maxBodyBytes: try l.int("max_body_bytes", default: config.limits.maxBodyBytes, range: 0...(1 << 40)),
                queueSize: try l.int("queue_size", default: config.limits.queueSize, range: 0...1_000_000),
                maxClientConnections: try l.int(
                    "max_client_connections", default: config.limits.maxClientConnections, range: 1...1_000_000),
                underscoresInHeaders: try l.bool("underscores_in_headers", default: config.limits.underscoresInHeaders),
                http2MaxConcurrentStreams: try l.int(
                    "http2_max_concurrent_streams", default: config.limits.http2MaxConcurrentStreams, range: 1...10_000))
        }
        config.backendHeader = try reader.string("backend_header", default: config.backendHeader)
        if !config.backendHeader.allSatisfy(isTokenCharacter) {
            throw ConfigError.invalidValue(
                reader.location("backend_header"), key: "backend_header", value: config.backendHeader,
                expected: "an HTTP header name (letters, digits, '-')")
        }
        if let a = try reader.child("access_log", known: ["path", "format"]) {
            let formatText = try a.string("format", default: AccessLogConfig.Format.text.rawValue)
            guard let format = AccessLogConfig.Format(rawValue: formatText) else {
                throw ConfigError.invalidValue(
                    a.location("format"), key: a.path("format"), value: formatText,
                    expected: AccessLogConfig.Format.allCases.map(\.rawValue).joined(separator: " or "))
            }
            config.accessLog = AccessLogConfig(path: try a.requiredString("path"), format: format)
        }
        guard let poolNodes = try reader.sequence("pools", expected: "a list of pools") else {
            throw ConfigError.missingKey(reader.location, key: "pools", section: "the configuration")
        }
        guard !poolNodes.isEmpty else {
            throw ConfigError.invalidValue(reader.location("pools"), key: "pools", value: "[]", expected: "at least one pool")
        }
        var namesSeen: [String: ConfigLocation] = [:]
        var prefixesSeen: [String: ConfigLocation] = [:]
        for (i, node) in poolNodes.enumerated() {
            let (pool, pr) = try PoolReader.read(node, index: i, file: file)
            if let first = namesSeen[pool.name] {
                throw ConfigError.duplicateName(pr.location("name"), kind: "pool", name: pool.name, firstAt: first)
            }
            if let first = prefixesSeen[pool.pathPrefix] {
                throw ConfigError.inconsistent(
                    pr.location("path_prefix"),
                    problem: "pools[\(i)] has path_prefix '\(pool.pathPrefix)' which pool at \(first.line):\(first.column) already uses")
            }
            namesSeen[pool.name] = pr.location("name")
            prefixesSeen[pool.pathPrefix] = pr.location("path_prefix")
            config.pools.append(pool)
        }
        if config.pool(forPath: "/") == nil {
            throw ConfigError.inconsistent(
                reader.location("pools"), problem: "no pool has path_prefix '/', so some requests would match no pool")
        }
        if config.listeners.proxy.port != 0, config.listeners.proxy.port == config.listeners.admin.port,
            config.listeners.proxy.host == config.listeners.admin.host
        {
            throw ConfigError.inconsistent(
                reader.location("listeners"), problem: "the proxy and admin listeners use the same address \(config.listeners.proxy)")
        }
        return config
    }

    static func readListen(_ reader: MappingReader, _ key: String, default fallback: ListenAddress, extra: [String] = []) throws -> ListenAddress {
        guard let l = try reader.child(key, known: ["address", "port"] + extra) else { return fallback }
        let host = try l.string("address", default: fallback.host)
        if host.contains(" ") || host.contains("/") {
            throw ConfigError.invalidValue(l.location("address"), key: l.path("address"), value: host, expected: "an IP address or host name")
        }
        return ListenAddress(host: host, port: try l.int("port", default: fallback.port, range: 0...65_535))
    }

    static func readTLS(_ tls: MappingReader, file: String) throws -> TLSConfig {
        guard let nodes = try tls.sequence("certificates", expected: "a list of {certificate, key}") else {
            throw ConfigError.missingKey(tls.location, key: "certificates", section: tls.section)
        }
        guard !nodes.isEmpty else {
            throw ConfigError.invalidValue(tls.location("certificates"), key: tls.path("certificates"), value: "[]", expected: "at least one certificate")
        }
        var pairs: [TLSConfig.CertificatePair] = []
        for (i, node) in nodes.enumerated() {
            let pair = try MappingReader(node, section: "\(tls.path("certificates"))[\(i)]", file: file, known: ["certificate", "key"])
            let certificate = try pair.requiredString("certificate"), key = try pair.requiredString("key")
            for (name, value) in [("certificate", certificate), ("key", key)] where value.isEmpty {
                throw ConfigError.invalidValue(pair.location(name), key: pair.path(name), value: value, expected: "a PEM file path")
            }
            pairs.append(TLSConfig.CertificatePair(certificate: certificate, key: key, location: pair.location))
        }
        let versionText = try tls.string("min_version", default: TLSConfig.ProtocolVersion.v1_2.rawValue)
        guard let version = TLSConfig.ProtocolVersion(rawValue: versionText) else {
            throw ConfigError.invalidValue(
                tls.location("min_version"), key: tls.path("min_version"), value: versionText,
                expected: TLSConfig.ProtocolVersion.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        return TLSConfig(certificates: pairs, minimumVersion: version, http2: try tls.bool("http2", default: true))
    }

    static func isTokenCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_")
    }
}
