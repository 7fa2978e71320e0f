import Foundation
import BalancerConfig

/// Reads an nginx configuration (a whole `nginx.conf` or a `conf.d` part) into the checker's model:
/// `upstream` blocks become pools, `server` blocks that `proxy_pass` to them become frontends. `include` is not
/// followed: point the checker at the included files too (a folder is walked).
struct NginxReader {
    let text: String
    let file: String

    /// nginx's consistent hashing (ketama) places 160 ring points per unit of weight.
    static let ringPointsPerWeight = 160
    static let serverFlags: Set<String> = ["backup", "down", "resolve", "drain"]
    static let serverParameters: Set<String> = ["weight", "max_conns", "max_fails", "fail_timeout", "slow_start", "route", "service"]
    /// Retry triggers that resend requests to other servers when the first one answers with an error status.
    static let statusTriggers: Set<String> = ["http_500", "http_502", "http_503", "http_504", "http_403", "http_404", "http_429"]

    /// Settings that blocks inherit from the blocks around them.
    struct Inherited {
        var nextUpstream: (triggers: [String], line: Int)?
        var nextUpstreamTries: (value: Int, line: Int)?
    }

    func read() throws -> CheckedConfig {
        let top = try NginxParser(text: text, file: file).parse()
        var connections: (value: Int, line: Int)?
        if let events = top.first(where: { $0.name.text == "events" }) {
            let workers = try top.first { $0.name.text == "worker_processes" }.map { directive -> Int? in
                let value = directive.arguments.first?.text ?? ""
                if value == "auto" { return nil }
                return try integer(directive, min: 1)
            } ?? 1
            let perWorker = try events.children(named: "worker_connections").last.map { try integer($0, min: 1) } ?? 512
            if let workers { connections = (workers * perWorker, events.children(named: "worker_connections").last?.line ?? events.line) }
        }
        var pools: [CheckedPool] = []
        var frontends: [CheckedFrontend] = []
        // A conf.d part holds http-level directives at its top; a whole file holds them in http and stream blocks.
        let contexts = top.filter { $0.name.text == "http" || $0.name.text == "stream" }.map { $0.children ?? [] }
        for context in contexts.isEmpty ? [top] : contexts {
            var inherited = Inherited()
            try apply(context, to: &inherited)
            var routes: [String: [(Inherited, Int)]] = [:]
            for server in context where server.name.text == "server" && server.children != nil {
                var names: [String] = []
                try collectRoutes(server.children ?? [], inherited: inherited, into: &routes, names: &names)
                let label = server.children(named: "server_name").first?.arguments.first?.text
                    ?? server.children(named: "listen").first?.arguments.first.map { "listen \($0.text)" } ?? "line \(server.line)"
                frontends.append(
                    CheckedFrontend(
                        name: "server \(label)", line: server.line, maxConnections: connections?.value,
                        maxConnectionsLine: connections?.line ?? server.line, pools: names,
                        tls: Self.tls(of: server, protocolsAround: context.filter { $0.name.text == "ssl_protocols" }.last)))
            }
            for upstream in context where upstream.name.text == "upstream" {
                pools.append(try pool(upstream, routes: routes[upstream.arguments.first?.text ?? ""] ?? []))
            }
        }
        return CheckedConfig(
            dialect: .nginx, file: file, text: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
            frontends: frontends, pools: pools)
    }

    /// The TLS of a `server` block that listens with `ssl`: its `ssl_certificate` and `ssl_certificate_key` pairs, and
    /// the versions before TLS 1.2 its `ssl_protocols` (or the one around it) allow. nginx's default allows none.
    static func tls(of server: NginxDirective, protocolsAround: NginxDirective?) -> CheckedTLS? {
        let listensTLS = server.children(named: "listen").contains { $0.arguments.contains { $0.text == "ssl" } }
        let certificates = server.children(named: "ssl_certificate")
        guard listensTLS || !certificates.isEmpty else { return nil }
        let keys = server.children(named: "ssl_certificate_key")
        var tls = CheckedTLS(
            certificates: certificates.enumerated().compactMap { index, directive in
                guard let certificate = directive.arguments.first?.text else { return nil }
                let key = index < keys.count ? keys[index].arguments.first?.text ?? certificate : certificate
                return CheckedTLS.CertificateFile(certificate: certificate, key: key, line: directive.line)
            })
        if let protocols = server.children(named: "ssl_protocols").last ?? protocolsAround {
            let names = protocols.arguments.map(\.text)
            tls.legacyVersions = [("TLSv1", "TLS 1.0"), ("TLSv1.1", "TLS 1.1")].filter { names.contains($0.0) }.map(\.1)
            tls.legacyVersionsLine = protocols.line
        }
        return tls
    }

    /// Reads the retry settings written directly in a block.
    func apply(_ block: [NginxDirective], to inherited: inout Inherited) throws {
        for directive in block {
            switch directive.name.text {
            case "proxy_next_upstream":
                inherited.nextUpstream = (directive.arguments.map(\.text), directive.line)
            case "proxy_next_upstream_tries":
                inherited.nextUpstreamTries = (try integer(directive, min: 0), directive.line)
            default:
                break
            }
        }
    }

    /// Finds `proxy_pass` targets in a server block and its locations, with the retry settings in force there.
    func collectRoutes(
        _ block: [NginxDirective], inherited: Inherited, into routes: inout [String: [(Inherited, Int)]], names: inout [String]
    ) throws {
        var settings = inherited
        try apply(block, to: &settings)
        for directive in block {
            if directive.name.text == "proxy_pass", let target = directive.arguments.first?.text {
                let name = Self.upstreamName(in: target)
                routes[name, default: []].append((settings, directive.line))
                if !names.contains(name) { names.append(name) }
            }
            if let children = directive.children, directive.name.text == "location" || directive.name.text == "if" {
                try collectRoutes(children, inherited: settings, into: &routes, names: &names)
            }
        }
    }

    /// The host part of a `proxy_pass` target: `http://backend/path` → `backend`.
    static func upstreamName(in target: String) -> String {
        var rest = Substring(target)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        return String(rest.prefix { $0 != "/" && $0 != ":" && $0 != "$" })
    }

    /// One upstream block's pool.
    func pool(_ upstream: NginxDirective, routes: [(Inherited, Int)]) throws -> CheckedPool {
        guard let name = upstream.arguments.first?.text else {
            throw ConfigError.malformed(upstream.name.location(in: file), problem: "'upstream' needs a name, e.g. 'upstream app { … }'")
        }
        var servers: [CheckedServer] = []
        var failureLimits: [Int] = []
        var algorithm = PoolAlgorithm.roundRobin
        var algorithmLine = upstream.line
        for directive in upstream.children ?? [] {
            switch directive.name.text {
            case "server":
                let (server, maxFails) = try self.server(directive)
                servers.append(server)
                if !server.backup && !server.down { failureLimits.append(maxFails) }
            case "least_conn":
                (algorithm, algorithmLine) = (.leastConnections, directive.line)
            case "ip_hash":
                (algorithm, algorithmLine) = (.hash(HashPolicy(key: .sourceIPv4Prefix24, placement: .modulo)), directive.line)
            case "random":
                (algorithm, algorithmLine) = (directive.arguments.contains { $0.text == "least_conn" } ? .leastConnections : .random, directive.line)
            case "hash":
                guard let key = directive.arguments.first?.text else {
                    throw ConfigError.malformed(directive.name.location(in: file), problem: "'hash' needs a key, e.g. 'hash $request_uri consistent;'")
                }
                let consistent = directive.arguments.dropFirst().contains { $0.text == "consistent" }
                algorithm = .hash(
                    HashPolicy(key: Self.hashKey(key), placement: consistent ? .ring(pointsPerWeight: Self.ringPointsPerWeight) : .modulo))
                algorithmLine = directive.line
            default:
                break
            }
        }
        let enabledLimits = failureLimits.filter { $0 > 0 }
        return CheckedPool(
            name: name, line: upstream.line, algorithm: algorithm, algorithmLine: algorithmLine, servers: servers,
            activeHealth: nil,
            passiveHealth: enabledLimits.isEmpty ? nil : PassiveHealthCheck(failures: enabledLimits.min()!, line: upstream.line),
            supportsActiveHealth: false, slowStart: nil, supportsSlowStart: false,
            retry: retryPolicy(routes: routes, serverCount: servers.count))
    }

    /// The riskiest retry setting among the locations that send to this upstream.
    func retryPolicy(routes: [(Inherited, Int)], serverCount: Int) -> RetryPolicy? {
        var worst: RetryPolicy?
        for (settings, passLine) in routes {
            guard let next = settings.nextUpstream else { continue }
            let statuses = next.triggers.filter { Self.statusTriggers.contains($0) }
            let nonIdempotent = next.triggers.contains("non_idempotent")
            guard !statuses.isEmpty || nonIdempotent, !next.triggers.contains("off") else { continue }
            let tries = settings.nextUpstreamTries?.value ?? 0
            let attempts = tries == 0 ? max(0, serverCount - 1) : min(tries - 1, max(0, serverCount - 1))
            let policy = RetryPolicy(
                attempts: attempts, budgetPercent: nil, includesNonIdempotent: nonIdempotent,
                triggers: next.triggers.joined(separator: " "), line: next.line > 0 ? next.line : passLine)
            if worst == nil || policy.attempts > worst!.attempts || (policy.includesNonIdempotent && !worst!.includesNonIdempotent) {
                worst = policy
            }
        }
        return worst
    }

    /// The key of a `hash` directive: known variables map to what they hold, text without variables is constant.
    static func hashKey(_ key: String) -> HashKey {
        guard key.contains("$") else { return .constant(key) }
        let variable = key.hasPrefix("${") && key.hasSuffix("}") ? "$" + key.dropFirst(2).dropLast() : key
        if ["$remote_addr", "$binary_remote_addr"].contains(variable) { return .sourceIP }
        if ["$request_uri", "$uri", "$document_uri"].contains(variable) { return .uri }
        let name = variable.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard name.count == variable.count - 1 else { return .expression(key) }
        if name.hasPrefix("http_") { return .header(name.dropFirst(5).replacingOccurrences(of: "_", with: "-")) }
        if name.hasPrefix("cookie_") { return .cookie(String(name.dropFirst(7))) }
        if name.hasPrefix("arg_") { return .urlParameter(String(name.dropFirst(4))) }
        return .expression(key)
    }

    /// One `server` line of an upstream, with its max_fails (default 1).
    func server(_ directive: NginxDirective) throws -> (CheckedServer, Int) {
        guard let address = directive.arguments.first else {
            throw ConfigError.malformed(directive.name.location(in: file), problem: "'server' needs an address, e.g. 'server 10.0.0.1:8080;'")
        }
        var weight = 1
        var maxConnections: Int?
        var maxFails = 1
        var flags: Set<String> = []
        for parameter in directive.arguments.dropFirst() {
            let parts = parameter.text.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 1, Self.serverFlags.contains(parts[0]) {
                flags.insert(parts[0])
                continue
            }
            guard parts.count == 2, Self.serverParameters.contains(parts[0]) else {
                throw ConfigError.invalidValue(
                    parameter.location(in: file), key: "server", value: parameter.text,
                    expected: "weight=N, max_conns=N, max_fails=N, fail_timeout=TIME, backup, down or resolve")
            }
            let number = Int(parts[1])
            switch parts[0] {
            case "weight":
                guard let number, number >= 1 else { throw invalid(parameter, parts, "a whole number, 1 or more") }
                weight = number
            case "max_conns":
                guard let number, number >= 0 else { throw invalid(parameter, parts, "a whole number, 0 for no limit") }
                maxConnections = number == 0 ? nil : number
            case "max_fails":
                guard let number, number >= 0 else { throw invalid(parameter, parts, "a whole number, 0 to never mark the server failed") }
                maxFails = number
            case "fail_timeout", "slow_start":
                guard DurationSyntax.nginx(parts[1]) != nil else { throw invalid(parameter, parts, "a duration such as 10s or 500ms") }
            default:
                break
            }
        }
        let (host, port) = Self.split(address: address.text)
        let server = CheckedServer(
            name: address.text, host: host, port: port, weight: weight, backup: flags.contains("backup"), maxConnections: maxConnections,
            down: flags.contains("down"), resolvedAtRuntime: flags.contains("resolve"), passiveChecksDisabled: maxFails == 0,
            line: directive.line)
        return (server, maxFails)
    }

    func invalid(_ parameter: ConfigToken, _ parts: [String], _ expected: String) -> ConfigError {
        .invalidValue(parameter.location(in: file), key: parts[0], value: parts[1], expected: expected)
    }

    /// Host and port of an upstream server address (`10.0.0.1:8080`, `[::1]:80`, `app.internal`, `unix:/path`).
    static func split(address: String) -> (host: String, port: Int) {
        if address.hasPrefix("unix:") { return (address, 0) }
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            let rest = address[address.index(after: close)...]
            return (String(address[address.index(after: address.startIndex)..<close]), rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? 80 : 80)
        }
        if let colon = address.lastIndex(of: ":") {
            return (String(address[..<colon]), Int(address[address.index(after: colon)...]) ?? 80)
        }
        return (address, 80)
    }

    func integer(_ directive: NginxDirective, min: Int) throws -> Int {
        guard let argument = directive.arguments.first else {
            throw ConfigError.malformed(directive.name.location(in: file), problem: "'\(directive.name.text)' needs a number")
        }
        guard let value = Int(argument.text), value >= min else {
            throw ConfigError.invalidValue(
                argument.location(in: file), key: directive.name.text, value: argument.text, expected: "a whole number, \(min) or more")
        }
        return value
    }
}
