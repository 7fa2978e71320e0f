import BalancerConfig
import Foundation
import Yams

extension WatchSettings {
    /// The keys a `watch.yaml` may have; any other is an error naming its `file:line:column`.
    static let fileKeys = [
        "balancers", "haproxy", "nginx_logs", "configs", "listen", "db", "interval", "window", "resolve_after", "unreachable_after", "confirmations",
        "operators", "external_url", "admin_token_file", "auto_rollback",
    ]
    /// The keys of one entry of `operators`.
    static let operatorKeys = ["name", "team", "token_sha256"]

    /// Settings read from a YAML file, over `defaults`: the same settings as the command-line options.
    public static func load(file path: String, over defaults: WatchSettings = WatchSettings()) throws(ConfigError) -> WatchSettings {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try parse(yaml: text, file: path, over: defaults)
    }

    /// Settings from YAML text; `file` names it in errors.
    public static func parse(yaml: String, file: String, over defaults: WatchSettings = WatchSettings()) throws(ConfigError) -> WatchSettings {
        do {
            guard let root = try compose(yaml: yaml) else { return defaults }
            let reader = try MappingReader(root, section: BalancerConfigLoader.rootSection, file: file, known: fileKeys)
            var settings = defaults
            settings.balancers = try texts(reader, "balancers", file: file, default: settings.balancers, urls: "an admin base URL such as http://127.0.0.1:9090")
            settings.haproxy = try texts(reader, "haproxy", file: file, default: settings.haproxy, urls: "a statistics URL such as http://127.0.0.1:8404/stats;csv")
            settings.nginxLogs = try texts(reader, "nginx_logs", file: file, default: settings.nginxLogs)
            settings.configFiles = try texts(reader, "configs", file: file, default: settings.configFiles)
            if let listen = try reader.scalarText("listen", expected: "host:port") {
                guard let address = WatchSettings.parseListen(listen) else {
                    throw ConfigError.invalidValue(reader.location("listen"), key: "listen", value: listen, expected: "host:port, e.g. 127.0.0.1:9100")
                }
                (settings.listenHost, settings.listenPort) = address
            }
            settings.databasePath = try reader.string("db", default: settings.databasePath)
            settings.interval = try reader.duration("interval", default: settings.interval, range: .milliseconds(100)...(.seconds(60)))
            settings.window = try reader.duration("window", default: settings.window, range: .seconds(1)...(.seconds(300)))
            settings.resolveAfter = try reader.duration(
                "resolve_after", default: .seconds(settings.resolveAfter), range: .seconds(1)...(.seconds(3600))
            ).seconds
            settings.unreachableAfter = try reader.duration(
                "unreachable_after", default: .seconds(settings.unreachableAfter), range: .seconds(1)...(.seconds(3600))
            ).seconds
            settings.confirmations = try reader.int("confirmations", default: settings.confirmations, range: 1...60)
            if let nodes = try reader.sequence("operators", expected: "a list of operators") {
                settings.operators = try readOperators(nodes, file: file)
            }
            if var url = try reader.httpURL("external_url", example: "http://watch.example:9100") {
                // Links are built as base + "/incidents/…", so a trailing slash would double.
                while url.hasSuffix("/"), !url.hasSuffix("://") { url.removeLast() }
                settings.externalURL = url
            }
            if let path = try reader.scalarText("admin_token_file", expected: "a file path") {
                guard !path.isEmpty else {
                    throw ConfigError.invalidValue(reader.location("admin_token_file"), key: "admin_token_file", value: path, expected: "a file path")
                }
                settings.adminTokenFile = path
            }
            settings.autoRollback = try readAutoRollback(reader, file: file, default: settings.autoRollback)
            return settings
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw BalancerConfigLoader.syntaxError(error, file: file)
        } catch {
            throw .syntax(ConfigLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
    }

    /// The list under `key`: URLs (`http://…`, described by `urls`) or, when `urls` is nil, paths.
    static func texts(_ reader: MappingReader, _ key: String, file: String, default fallback: [String], urls: String? = nil) throws -> [String] {
        guard let nodes = try reader.sequence(key, expected: urls == nil ? "a list of file paths" : "a list of URLs") else { return fallback }
        return try nodes.map { node in
            guard let text = node.scalar?.string, !text.isEmpty, urls == nil || text.hasPrefix("http://") else {
                throw ConfigError.invalidValue(
                    MappingReader.location(of: node, file: file), key: key, value: node.scalar?.string ?? "?", expected: urls ?? "a file path")
            }
            return text
        }
    }

    /// `auto_rollback`: `true` or `false` for every pool, or a list of pool names.
    static func readAutoRollback(_ reader: MappingReader, file: String, default fallback: AutoRollback) throws -> AutoRollback {
        guard let node = reader.node("auto_rollback") else { return fallback }
        if let text = node.scalar?.string {
            switch text {
            case "true", "yes", "on": return .every
            case "false", "no", "off": return .none
            default:
                throw ConfigError.invalidValue(
                    reader.location("auto_rollback"), key: "auto_rollback", value: text, expected: "true, false, or a list of pool names")
            }
        }
        guard let items = node.sequence else {
            throw ConfigError.wrongType(reader.location("auto_rollback"), key: "auto_rollback", expected: "true, false, or a list of pool names")
        }
        let pools = try items.map { item -> String in
            guard let name = item.scalar?.string, !name.isEmpty else {
                throw ConfigError.invalidValue(MappingReader.location(of: item, file: file), key: "auto_rollback", value: "?", expected: "a pool name")
            }
            return name
        }
        return pools.isEmpty ? .none : .pools(Set(pools))
    }

    /// The entries of `operators`: names unique, tokens given only as their SHA-256 in hex.
    static func readOperators(_ nodes: [Node], file: String) throws -> [Operator] {
        var operators: [Operator] = []
        var namesSeen: [String: ConfigLocation] = [:]
        var hashesSeen: [String: String] = [:]
        for (index, node) in nodes.enumerated() {
            let r = try MappingReader(node, section: "operators[\(index)]", file: file, known: operatorKeys)
            let name = try r.requiredString("name")
            let team: Audience = try r.requiredChoice("team")
            let hash = try r.requiredString("token_sha256")
            guard hash.count == 64, hash.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                // Not echoed: a token pasted here by mistake must not end up in a log.
                throw ConfigError.invalidValue(
                    r.location("token_sha256"), key: r.path("token_sha256"), value: "(\(hash.count) characters, not shown)",
                    expected: "64 hex digits, the SHA-256 of the token as `evenkeel watch hash-token` prints it")
            }
            if let first = namesSeen[name] {
                throw ConfigError.duplicateName(r.location("name"), kind: "operator", name: name, firstAt: first)
            }
            let person = Operator(name: name, team: team, tokenSHA256: hash)
            if let other = hashesSeen[person.tokenSHA256] {
                throw ConfigError.inconsistent(
                    r.location("token_sha256"), problem: "\(r.path("token_sha256")) is the same as \(other)'s, so one token would act as two people")
            }
            namesSeen[name] = r.location("name")
            hashesSeen[person.tokenSHA256] = name
            operators.append(person)
        }
        return operators
    }

    /// `host:port` (or `[v6]:port`) as a listen address; nil when malformed.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }
}
