import Foundation
import BalancerConfig

/// Reads an HAProxy configuration into the checker's model: backends and listen sections become pools,
/// frontends and listen sections become frontends. Keywords that do not bear on how traffic is shared are
/// passed over (`haproxy -c` is the judge of those); the ones that do are read strictly, with errors that name
/// file, line and column.
struct HAProxyReader {
    let text: String
    let file: String

    /// HAProxy's consistent hashing places 16 ring points per unit of weight (its weight scale).
    static let ringPointsPerWeight = 16

    static let proxyKeywords: Set<String> = ["defaults", "frontend", "backend", "listen"]
    static let otherSections: Set<String> = [
        "global", "resolvers", "peers", "userlist", "mailers", "program", "http-errors", "cache", "ring", "log-forward",
        "crt-store", "traces", "acme", "fcgi-app",
    ]
    /// Server parameters followed by a value; the others are flags.
    static let valuedServerParameters: Set<String> = [
        "weight", "maxconn", "maxqueue", "minconn", "inter", "fastinter", "downinter", "rise", "fall", "slowstart", "resolvers",
        "init-addr", "observe", "error-limit", "on-error", "on-marked-down", "on-marked-up", "cookie", "port", "addr", "id",
        "verify", "ca-file", "crt", "sni", "alpn", "check-sni", "check-alpn", "proto", "check-proto", "agent-port", "agent-inter",
        "agent-addr", "agent-send", "resolve-prefer", "resolve-net", "source", "namespace", "pool-max-conn", "pool-purge-delay",
        "pool-low-conn", "max-reuse", "track", "usesrc", "ciphers", "ciphersuites", "crl-file", "ssl-min-ver", "ssl-max-ver",
        "npn", "log-proto", "redir", "hash-key", "shard", "tcp-ut", "set-proxy-v2-tlv-fmt", "ws", "curves", "sigalgs",
        "client-sigalgs", "socks4", "guid", "init-state",
    ]
    static let balanceAlgorithms = [
        "roundrobin", "static-rr", "leastconn", "first", "source", "uri", "url_param", "hdr(NAME)", "random", "rdp-cookie", "hash",
    ]

    func read() throws -> CheckedConfig {
        var globalMaxConnections: (value: Int, line: Int)?
        var defaultBindMinimumVersion: (version: String, line: Int)?
        var defaults = HAProxySection(kind: .defaults, name: "defaults", line: 1)
        var sections: [HAProxySection] = []
        var current: HAProxySection?
        var inGlobal = false
        var inOtherSection = false
        var sawSection = false

        func close() {
            if let section = current {
                if section.kind == .defaults { defaults = section } else { sections.append(section) }
            }
            current = nil
        }

        for tokens in try HAProxyLexer.lines(of: text, file: file) {
            let keyword = tokens[0].text
            if Self.proxyKeywords.contains(keyword) || Self.otherSections.contains(keyword) {
                close()
                sawSection = true
                inGlobal = keyword == "global"
                inOtherSection = !inGlobal && !Self.proxyKeywords.contains(keyword)
                guard let kind = HAProxySection.Kind(rawValue: keyword) else { continue }
                if kind == .defaults {
                    // A new defaults section starts from scratch, unless it names one to start `from`.
                    current = HAProxySection(kind: .defaults, name: tokens.count > 1 ? tokens[1].text : "defaults", line: tokens[0].line)
                    if tokens.count > 3, tokens[2].text == "from" { current = defaults.inherited(as: .defaults, name: tokens[1].text, line: tokens[0].line) }
                } else {
                    guard tokens.count > 1 else {
                        throw ConfigError.malformed(tokens[0].location(in: file), problem: "'\(keyword)' needs a name after it")
                    }
                    current = defaults.inherited(as: kind, name: tokens[1].text, line: tokens[0].line)
                }
                continue
            }
            guard sawSection else {
                throw ConfigError.malformed(
                    tokens[0].location(in: file),
                    problem: "'\(keyword)' is outside any section; expected a global, defaults, frontend, backend or listen line first")
            }
            if inGlobal {
                if keyword == "maxconn" { globalMaxConnections = (try integer(after: tokens, in: 0...Int(Int32.max)), tokens[0].line) }
                if keyword == "ssl-default-bind-options", let version = Self.minimumVersion(in: tokens) {
                    defaultBindMinimumVersion = (version, tokens[0].line)
                }
                continue
            }
            if inOtherSection || current == nil { continue }
            try apply(tokens, to: &current!, defaultBindMinimumVersion: defaultBindMinimumVersion)
        }
        close()
        return model(sections: sections, globalMaxConnections: globalMaxConnections)
    }

    /// Applies one keyword line of a proxy section; `defaultBindMinimumVersion` is the global
    /// `ssl-default-bind-options ssl-min-ver`, if one was written.
    func apply(_ tokens: [ConfigToken], to section: inout HAProxySection, defaultBindMinimumVersion: (version: String, line: Int)? = nil) throws {
        let keyword = tokens[0].text
        let line = tokens[0].line
        switch keyword {
        case "balance":
            guard tokens.count > 1 else { throw missingValue(tokens, "an algorithm: \(Self.balanceAlgorithms.joined(separator: ", "))") }
            let name = tokens[1].text
            // `hdr(NAME)` takes its argument in the word; the others may take one too, e.g. `random(2)`.
            let known = Self.balanceAlgorithms.contains { algorithm in
                algorithm.hasSuffix("(NAME)") ? name.hasPrefix(algorithm.dropLast(5)) : name == algorithm || name.hasPrefix(algorithm + "(")
            }
            guard known else {
                throw ConfigError.invalidValue(
                    tokens[1].location(in: file), key: "balance", value: name,
                    expected: "one of \(Self.balanceAlgorithms.joined(separator: ", "))")
            }
            section.balance = Array(tokens.dropFirst())
            section.balanceLine = line
        case "hash-type":
            guard tokens.count > 1, ["map-based", "consistent"].contains(tokens[1].text) else {
                throw ConfigError.invalidValue(
                    (tokens.count > 1 ? tokens[1] : tokens[0]).location(in: file), key: "hash-type", value: tokens.count > 1 ? tokens[1].text : "",
                    expected: "map-based or consistent")
            }
            section.consistentHashing = tokens[1].text == "consistent"
        case "maxconn":
            section.maxConnections = (try integer(after: tokens, in: 0...Int(Int32.max)), line)
        case "retries":
            section.retries = (try integer(after: tokens, in: 0...1000), line)
        case "retry-on":
            section.retryOn = (tokens.dropFirst().map(\.text), line)
        case "timeout":
            guard tokens.count > 2 else { throw missingValue(tokens, "a timeout name and a duration, e.g. 'timeout queue 5s'") }
            section.timeouts[tokens[1].text] = (try duration(tokens[2], key: "timeout \(tokens[1].text)"), line)
        case "contimeout", "srvtimeout", "clitimeout":
            guard tokens.count > 1 else { throw missingValue(tokens, "a duration") }
            let name = ["contimeout": "connect", "srvtimeout": "server", "clitimeout": "client"][keyword]!
            section.timeouts[name] = (try duration(tokens[1], key: keyword), line)
        case "default-server":
            let parameters = try serverParameters(Array(tokens.dropFirst()))
            section.defaultServer.merge(parameters.values) { _, new in new }
            section.defaultServerLine = line
        case "server":
            guard tokens.count > 2 else { throw missingValue(tokens, "a server name and an address, e.g. 'server app1 10.0.0.1:8080 check'") }
            let parameters = try serverParameters(Array(tokens.dropFirst(3)))
            section.servers.append(
                HAProxySection.ServerLine(name: tokens[1], address: tokens[2], parameters: parameters.values, order: parameters.order))
        case "server-template":
            guard tokens.count > 3 else { throw missingValue(tokens, "a prefix, a count and an address") }
            let range = tokens[2].text.split(separator: "-").compactMap { Int($0) }
            guard (range.count == 1 && range[0] >= 1) || (range.count == 2 && range[0] <= range[1]), range.last! <= 10_000 else {
                throw ConfigError.invalidValue(tokens[2].location(in: file), key: "server-template", value: tokens[2].text, expected: "a count N or a range A-B")
            }
            let parameters = try serverParameters(Array(tokens.dropFirst(4)))
            for number in (range.count == 1 ? 1 : range[0])...range.last! {
                var name = tokens[1]
                name.text += String(number)
                section.servers.append(
                    HAProxySection.ServerLine(name: name, address: tokens[3], parameters: parameters.values, order: parameters.order))
            }
        case "cookie":
            section.cookie = (tokens.dropFirst().map(\.text), line)
        case "stick-table":
            var expiry: Duration?
            if let index = tokens.firstIndex(where: { $0.text == "expire" }) {
                guard index + 1 < tokens.count else { throw missingValue(tokens, "a duration after 'expire'") }
                expiry = try duration(tokens[index + 1], key: "expire")
            }
            section.stickTable = (expiry, line)
        case "stick":
            section.sticksOn = section.sticksOn ?? line
        case "default_backend":
            guard tokens.count > 1 else { throw missingValue(tokens, "a backend name") }
            section.backends.append(tokens[1].text)
        case "bind" where tokens.contains(where: { $0.text == "ssl" }):
            var tls = section.tls ?? CheckedTLS(certificates: [])
            for (index, token) in tokens.enumerated() where token.text == "crt" && index + 1 < tokens.count {
                // The key is looked for in the same PEM file (HAProxy also takes a `.key` file beside it, which the
                // checker does not look for).
                tls.certificates.append(CheckedTLS.CertificateFile(certificate: tokens[index + 1].text, key: tokens[index + 1].text, line: line))
            }
            // This line's own minimum, or the global default's, each with the line that sets it.
            if let minimum = Self.minimumVersion(in: tokens).map({ (version: $0, line: line) }) ?? defaultBindMinimumVersion {
                let legacy = Self.legacyVersions(from: minimum.version)
                if !legacy.isEmpty {
                    tls.legacyVersions = legacy
                    tls.legacyVersionsLine = minimum.line
                }
            }
            section.tls = tls
        case "use_backend":
            guard tokens.count > 1 else { throw missingValue(tokens, "a backend name") }
            section.backends.append(tokens[1].text)
        default:
            break
        }
    }

    /// The version named after `ssl-min-ver`, if the line has one.
    static func minimumVersion(in tokens: [ConfigToken]) -> String? {
        guard let index = tokens.firstIndex(where: { $0.text == "ssl-min-ver" }), index + 1 < tokens.count else { return nil }
        return tokens[index + 1].text
    }

    /// The versions older than TLS 1.2 a minimum of `version` (HAProxy's spelling, `TLSv1.0`) lets in.
    static func legacyVersions(from version: String) -> [String] {
        switch version {
        case "SSLv3", "TLSv1.0": ["TLS 1.0", "TLS 1.1"]
        case "TLSv1.1": ["TLS 1.1"]
        default: []
        }
    }

    /// The model: pools from backend and listen sections with servers, frontends from frontend and listen sections.
    func model(sections: [HAProxySection], globalMaxConnections: (value: Int, line: Int)?) -> CheckedConfig {
        let pools = sections.filter { ($0.kind == .backend || $0.kind == .listen) && !$0.servers.isEmpty }.map(pool)
        let frontends = sections.filter { $0.kind == .frontend || $0.kind == .listen }.map { section in
            let limit = section.maxConnections ?? globalMaxConnections
            return CheckedFrontend(
                name: "\(section.kind.rawValue) \(section.name)", line: section.line, maxConnections: limit?.value,
                maxConnectionsLine: limit?.line ?? section.line, pools: section.kind == .listen ? [section.name] : section.backends,
                tls: section.tls)
        }
        return CheckedConfig(
            dialect: .haproxy, file: file, text: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
            frontends: frontends, pools: pools)
    }

    /// One backend's pool.
    func pool(_ section: HAProxySection) -> CheckedPool {
        var servers: [CheckedServer] = []
        var checked: [(inter: Duration, rise: Int, fall: Int, line: Int, intervalLine: Int, thresholdsLine: Int)] = []
        var observed: [(limit: Int, line: Int)] = []
        var slowStart: Duration?
        for server in section.servers {
            var parameters = section.defaultServer
            for key in server.order { parameters[key] = server.parameters[key]! }
            func value(_ key: String) -> String? { parameters[key].flatMap { $0?.text } }
            // Where a parameter is written: on the server line, or on the default-server line it inherits.
            func origin(_ key: String) -> Int {
                server.parameters[key] != nil ? server.name.line : (section.defaultServerLine ?? server.name.line)
            }
            let (host, port) = Self.split(address: server.address.text)
            let checks = parameters["check"] != nil && parameters["no-check"] == nil
            if checks {
                checked.append(
                    (
                        value("inter").flatMap(DurationSyntax.haproxy) ?? .seconds(2), value("rise").flatMap { Int($0) } ?? 2,
                        value("fall").flatMap { Int($0) } ?? 3, origin("check"), origin("inter"), origin(value("fall") != nil ? "fall" : "rise")
                    ))
            }
            if value("observe") != nil { observed.append((value("error-limit").flatMap { Int($0) } ?? 10, server.name.line)) }
            if let ramp = value("slowstart").flatMap(DurationSyntax.haproxy), ramp > .zero { slowStart = slowStart ?? ramp }
            let maxConnections = value("maxconn").flatMap { Int($0) }
            servers.append(
                CheckedServer(
                    name: server.name.text, host: host, port: port, weight: value("weight").flatMap { Int($0) } ?? 1,
                    backup: parameters["backup"] != nil, maxConnections: maxConnections == 0 ? nil : maxConnections,
                    down: parameters["disabled"] != nil, resolvedAtRuntime: value("resolvers") != nil, line: server.name.line))
        }
        let queueLimited = servers.contains { $0.maxConnections != nil }
        let queueTimeout = section.timeouts["queue"] ?? section.timeouts["connect"]
        return CheckedPool(
            name: section.name, line: section.line, algorithm: algorithm(section), algorithmLine: section.balanceLine ?? section.line,
            servers: servers,
            activeHealth: checked.first.map { first in
                ActiveHealthCheck(
                    interval: checked.map(\.inter).max()!, rise: first.rise, fall: first.fall, line: first.line,
                    intervalLine: first.intervalLine, thresholdsLine: first.thresholdsLine)
            },
            passiveHealth: observed.first.map { PassiveHealthCheck(failures: $0.limit, line: $0.line) },
            slowStart: slowStart,
            retry: retryPolicy(section),
            queue: queueLimited
                ? QueuePolicy(
                    timeout: queueTimeout?.value, timeoutLine: queueTimeout?.line ?? section.line,
                    responseTimeout: section.timeouts["server"]?.value, size: nil, sizeLine: section.line)
                : nil,
            stickiness: stickiness(section))
    }

    /// The algorithm `balance` and `hash-type` choose (round robin when none is written).
    func algorithm(_ section: HAProxySection) -> PoolAlgorithm {
        guard let name = section.balance.first?.text else { return .roundRobin }
        let placement: HashPlacement = section.consistentHashing ? .ring(pointsPerWeight: Self.ringPointsPerWeight) : .modulo
        func hash(_ key: HashKey) -> PoolAlgorithm { .hash(HashPolicy(key: key, placement: placement)) }
        func argument(of text: String) -> String? {
            guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return nil }
            return String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        }
        switch name {
        case "roundrobin", "static-rr": return .roundRobin
        case "leastconn": return .leastConnections
        case "first": return .first
        case "source": return hash(.sourceIP)
        case "uri": return hash(.uri)
        case "url_param": return hash(.urlParameter(section.balance.count > 1 ? section.balance[1].text : ""))
        case "hash": return hash(Self.hashKey(expression: section.balance.dropFirst().map(\.text).joined(separator: " ")))
        case "rdp-cookie": return hash(.cookie("mstshash"))
        default:
            if name.hasPrefix("hdr(") { return hash(.header(argument(of: name) ?? "")) }
            if name.hasPrefix("rdp-cookie(") { return hash(.cookie(argument(of: name) ?? "mstshash")) }
            return .random
        }
    }

    /// The key of `balance hash EXPR`, for the sample fetches the checker knows.
    static func hashKey(expression: String) -> HashKey {
        func argument(_ prefix: String) -> String? {
            guard expression.hasPrefix(prefix), expression.hasSuffix(")") else { return nil }
            return String(expression.dropFirst(prefix.count).dropLast())
        }
        if expression == "src" { return .sourceIP }
        if ["path", "url", "uri", "pathq"].contains(expression) { return .uri }
        if let name = argument("req.hdr(") ?? argument("hdr(") { return .header(name) }
        if let name = argument("req.cook(") ?? argument("req.cookie(") ?? argument("cook(") { return .cookie(name) }
        if let name = argument("url_param(") ?? argument("urlp(") { return .urlParameter(name) }
        if let text = argument("str(") { return .constant(text) }
        return .expression(expression)
    }

    /// Retries that resend requests when servers answer badly or slowly; connection failures alone are cheap.
    func retryPolicy(_ section: HAProxySection) -> RetryPolicy? {
        guard let retryOn = section.retryOn else { return nil }
        let overloadTriggers = retryOn.triggers.filter { trigger in
            ["response-timeout", "all-retryable-errors", "junk-response", "empty-response"].contains(trigger)
                || (trigger.count == 3 && trigger.allSatisfy(\.isNumber))
        }
        guard !overloadTriggers.isEmpty else { return nil }
        return RetryPolicy(
            attempts: section.retries?.value ?? 3, budgetPercent: nil, triggers: overloadTriggers.joined(separator: " "),
            line: retryOn.line)
    }

    /// Cookie insertion or a stick table that pins clients to servers.
    func stickiness(_ section: HAProxySection) -> Stickiness? {
        if let cookie = section.cookie, cookie.words.contains("insert") {
            var expiry: Duration?
            for key in ["maxidle", "maxlife"] {
                if let index = cookie.words.firstIndex(of: key), index + 1 < cookie.words.count {
                    expiry = expiry ?? DurationSyntax.haproxy(cookie.words[index + 1])
                }
            }
            return Stickiness(mechanism: "cookie \(cookie.words.first ?? "") insert", expiry: expiry, line: cookie.line)
        }
        if let table = section.stickTable, section.sticksOn != nil {
            return Stickiness(mechanism: "stick-table", expiry: table.expiry, line: table.line)
        }
        return nil
    }

    /// Host and port of a server address (`10.0.0.1:80`, `[fd00::1]:80`, `app.internal:80`, `ipv4@…`, no port).
    static func split(address: String) -> (host: String, port: Int) {
        var text = Substring(address)
        if let at = text.firstIndex(of: "@") { text = text[text.index(after: at)...] }
        if text.hasPrefix("[") , let close = text.firstIndex(of: "]") {
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            return (String(host), rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? 0 : 0)
        }
        if text.hasPrefix("/") { return ("unix:" + text, 0) }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.lastIndex(of: ":") {
            return (String(text[..<colon]), Int(text[text.index(after: colon)...]) ?? 0)
        }
        return (String(text), 0)
    }

    /// Server line parameters, in order; values are checked where a wrong one would mislead the checks.
    func serverParameters(_ tokens: [ConfigToken]) throws -> (values: [String: ConfigToken?], order: [String]) {
        var values: [String: ConfigToken?] = [:]
        var order: [String] = []
        var index = 0
        while index < tokens.count {
            let key = tokens[index].text
            var value: ConfigToken?
            if Self.valuedServerParameters.contains(key) {
                guard index + 1 < tokens.count else {
                    throw ConfigError.malformed(tokens[index].location(in: file), problem: "server parameter '\(key)' needs a value after it")
                }
                value = tokens[index + 1]
                index += 1
                try validate(key, value!)
            }
            values[key] = .some(value)
            order.append(key)
            index += 1
        }
        return (values, order)
    }

    func validate(_ key: String, _ value: ConfigToken) throws {
        switch key {
        case "weight":
            guard let weight = Int(value.text), (0...256).contains(weight) else {
                throw ConfigError.invalidValue(value.location(in: file), key: key, value: value.text, expected: "a whole number from 0 to 256")
            }
        case "maxconn", "maxqueue", "rise", "fall", "error-limit":
            guard let number = Int(value.text), number >= 0 else {
                throw ConfigError.invalidValue(value.location(in: file), key: key, value: value.text, expected: "a whole number, 0 or more")
            }
        case "inter", "fastinter", "downinter", "slowstart":
            _ = try duration(value, key: key)
        default:
            break
        }
    }

    func duration(_ token: ConfigToken, key: String) throws -> Duration {
        guard let value = DurationSyntax.haproxy(token.text) else {
            throw ConfigError.invalidValue(
                token.location(in: file), key: key, value: token.text, expected: "a duration such as 500ms, 5s, 1m (a bare number is milliseconds)")
        }
        return value
    }

    func integer(after tokens: [ConfigToken], in range: ClosedRange<Int>) throws -> Int {
        guard tokens.count > 1 else { throw missingValue(tokens, "a whole number") }
        guard let value = Int(tokens[1].text), range.contains(value) else {
            throw ConfigError.invalidValue(
                tokens[1].location(in: file), key: tokens[0].text, value: tokens[1].text,
                expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func missingValue(_ tokens: [ConfigToken], _ expected: String) -> ConfigError {
        let last = tokens[tokens.count - 1]
        return .malformed(
            ConfigLocation(file: file, line: last.line, column: last.column + last.text.count),
            problem: "'\(tokens[0].text)' is incomplete; expected \(expected)")
    }
}
