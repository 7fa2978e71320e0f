import BalancerConfig
import Foundation
import Yams

extension NotifySettings {
    /// The keys a `--notify` file may have at its top; any other is an error naming its `file:line:column`.
    static let fileKeys = ["defaults", "receivers", "routes"]
    /// The keys of one receiver.
    static let receiverKeys = ["name", "type", "url", "audience", "routing_key", "timeout"]
    /// The keys of one route: its match, its receivers, and the policy it may override.
    static let routeKeys = ["match", "receivers", "continue"] + policyKeys
    /// The keys of a route's `match`.
    static let matchKeys = ["diagnosis", "severity", "pool"]
    /// The keys `defaults` may set for every route.
    static let policyKeys = ["group_by", "group_wait", "repeat_interval", "send_resolved"]
    /// The labels `group_by` may name.
    static let groupLabels = ["pool", "diagnosis", "severity"]
    /// PagerDuty's Events API v2 endpoint, the `url` of a `pagerduty` receiver that gives none.
    static let pagerDutyEventsURL = "https://events.pagerduty.com/v2/enqueue"

    /// Settings read from a `--notify` YAML file: its receivers and the routes to them.
    public static func load(file path: String) throws(ConfigError) -> NotifySettings {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try parse(yaml: text, file: path)
    }

    /// Settings from YAML text; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws(ConfigError) -> NotifySettings {
        do {
            guard let root = try compose(yaml: yaml) else {
                throw ConfigError.missingKey(
                    ConfigLocation(file: file, line: 1, column: 1), key: "receivers", section: BalancerConfigLoader.rootSection)
            }
            return try read(root, file: file)
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw BalancerConfigLoader.syntaxError(error, file: file)
        } catch {
            throw .syntax(ConfigLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
    }

    /// The whole file: `defaults` first, so every route starts from them; then the receivers, so routes can be
    /// checked against their names.
    static func read(_ root: Node, file: String) throws -> NotifySettings {
        let reader = try MappingReader(root, section: BalancerConfigLoader.rootSection, file: file, known: fileKeys)
        var base = NotifyRoute(receivers: [])
        if let defaults = try reader.child("defaults", known: policyKeys) {
            base = try readPolicy(defaults, over: base)
        }

        guard let receiverNodes = try reader.sequence("receivers", expected: "a list of receivers") else {
            throw ConfigError.missingKey(reader.location, key: "receivers", section: reader.section)
        }
        guard !receiverNodes.isEmpty else {
            throw ConfigError.invalidValue(reader.location("receivers"), key: "receivers", value: "[]", expected: "at least one receiver")
        }
        var settings = NotifySettings()
        var namesSeen: [String: ConfigLocation] = [:]
        for (index, node) in receiverNodes.enumerated() {
            let (receiver, r) = try readReceiver(node, index: index, file: file)
            if let first = namesSeen[receiver.name] {
                throw ConfigError.duplicateName(r.location("name"), kind: "receiver", name: receiver.name, firstAt: first)
            }
            namesSeen[receiver.name] = r.location("name")
            settings.receivers.append(receiver)
        }

        guard let routeNodes = try reader.sequence("routes", expected: "a list of routes") else {
            throw ConfigError.missingKey(reader.location, key: "routes", section: reader.section)
        }
        guard !routeNodes.isEmpty else {
            throw ConfigError.invalidValue(reader.location("routes"), key: "routes", value: "[]", expected: "at least one route")
        }
        let names = settings.receivers.map(\.name)
        for (index, node) in routeNodes.enumerated() {
            try settings.routes.append(readRoute(node, index: index, file: file, over: base, receivers: names))
        }
        return settings
    }

    /// One entry of `receivers`, with its reader so the caller can point at its `name`.
    static func readReceiver(_ node: Node, index: Int, file: String) throws -> (ReceiverSettings, MappingReader) {
        let r = try MappingReader(node, section: "receivers[\(index)]", file: file, known: receiverKeys)
        let name = try r.requiredString("name")
        let kind: ReceiverSettings.Kind = try r.requiredChoice("type")
        let audience: Audience = try r.requiredChoice("audience")
        let example = kind == .pagerduty ? pagerDutyEventsURL : "http://127.0.0.1:5001/hook"
        let url: String
        if let given = try r.httpURL("url", example: example) {
            url = given
        } else if kind == .pagerduty {
            url = pagerDutyEventsURL
        } else {
            throw ConfigError.missingKey(r.location, key: "url", section: r.section)
        }
        var routingKey: String? = nil
        if kind == .pagerduty {
            routingKey = try r.requiredString("routing_key")
        } else if r.node("routing_key") != nil {
            throw ConfigError.inconsistent(
                r.keyLocation("routing_key"), problem: "'\(r.path("routing_key"))' only applies to type pagerduty, not \(kind.rawValue)")
        }
        var receiver = ReceiverSettings(name: name, kind: kind, url: url, audience: audience, routingKey: routingKey)
        receiver.timeout = try r.duration("timeout", default: receiver.timeout, range: .milliseconds(100)...(.seconds(60)))
        return (receiver, r)
    }

    /// One entry of `routes`, starting from `base` (the defaults); `known` are the receivers' names.
    static func readRoute(_ node: Node, index: Int, file: String, over base: NotifyRoute, receivers known: [String]) throws -> NotifyRoute {
        let r = try MappingReader(node, section: "routes[\(index)]", file: file, known: routeKeys)
        var route = try readPolicy(r, over: base)
        route.`continue` = try r.bool("continue", default: false)
        if let match = try r.child("match", known: matchKeys) {
            route.diagnoses = try Set(match.choiceList("diagnosis", as: Diagnosis.self) ?? [])
            route.severities = try Set(match.choiceList("severity", as: Severity.self) ?? [])
            route.pools = try readPools(match)
        }
        guard let items = try r.scalarList("receivers", expected: "a list of receiver names") else {
            throw ConfigError.missingKey(r.location, key: "receivers", section: r.section)
        }
        guard !items.isEmpty else {
            throw ConfigError.invalidValue(r.location("receivers"), key: r.path("receivers"), value: "[]", expected: "at least one receiver name")
        }
        for item in items where !known.contains(item.text) {
            let hint = KeySuggestion.nearest(to: item.text, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw ConfigError.invalidValue(
                item.location, key: r.path("receivers"), value: item.text,
                expected: "the name of a receiver: \(known.joined(separator: ", "))\(hint)")
        }
        route.receivers = items.map { $0.text }
        return route
    }

    /// `group_by`, `group_wait`, `repeat_interval` and `send_resolved` from `r`, each over `base`'s.
    static func readPolicy(_ r: MappingReader, over base: NotifyRoute) throws -> NotifyRoute {
        var route = base
        let expected = "a list of labels among \(groupLabels.joined(separator: ", "))"
        if let labels = try r.scalarList("group_by", expected: expected) {
            route.groupBy = try labels.map { item throws -> String in
                guard groupLabels.contains(item.text) else {
                    throw ConfigError.invalidValue(
                        item.location, key: r.path("group_by"), value: item.text, expected: MappingReader.oneOf(groupLabels, near: item.text))
                }
                return item.text
            }
        }
        route.groupWait = try r.duration("group_wait", default: base.groupWait, range: .zero...(.seconds(3600)))
        route.repeatInterval = try r.duration("repeat_interval", default: base.repeatInterval, range: .seconds(60)...(.seconds(7 * 86_400)))
        route.sendResolved = try r.bool("send_resolved", default: base.sendResolved)
        return route
    }

    /// A match's `pool`: exact names, or prefixes ending in `*` (a `*` anywhere else is refused).
    static func readPools(_ r: MappingReader) throws -> [String] {
        guard let items = try r.scalarList("pool", expected: "a pool name or a list of them") else { return [] }
        return try items.map { item throws -> String in
            guard !item.text.isEmpty, !item.text.dropLast().contains("*") else {
                throw ConfigError.invalidValue(
                    item.location, key: r.path("pool"), value: item.text, expected: "a pool name, or a prefix ending in * such as api-*")
            }
            return item.text
        }
    }
}

extension MappingReader {
    /// One value of a list read by ``scalarList(_:expected:)``, with where it sits.
    struct ListItem {
        var text: String
        var location: ConfigLocation
    }

    /// The value under `key` as one scalar or a list of scalars, each with its own location; nil when absent.
    func scalarList(_ key: String, expected: String) throws -> [ListItem]? {
        guard let value = node(key) else { return nil }
        if let scalar = value.scalar {
            return [ListItem(text: scalar.string, location: location(key))]
        }
        guard let items = value.sequence else {
            throw ConfigError.wrongType(location(key), key: path(key), expected: expected)
        }
        return try items.map { item throws -> ListItem in
            let at = Self.location(of: item, file: file)
            guard let scalar = item.scalar else {
                throw ConfigError.wrongType(at, key: path(key), expected: expected)
            }
            return ListItem(text: scalar.string, location: at)
        }
    }

    /// The required value under `key` as one of `Value`'s cases, refused with the allowed ones (and the nearest).
    func requiredChoice<Value: RawRepresentable & CaseIterable>(_ key: String) throws -> Value where Value.RawValue == String {
        let text = try requiredString(key)
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map { $0.rawValue }
            throw ConfigError.invalidValue(location(key), key: path(key), value: text, expected: Self.oneOf(allowed, near: text))
        }
        return value
    }

    /// The value under `key` as one or a list of `Value`'s cases; nil when absent.
    func choiceList<Value: RawRepresentable & CaseIterable>(_ key: String, as type: Value.Type) throws -> [Value]?
    where Value.RawValue == String {
        let allowed = Value.allCases.map { $0.rawValue }
        guard let items = try scalarList(key, expected: "one or a list of \(allowed.joined(separator: ", "))") else { return nil }
        return try items.map { item throws -> Value in
            guard let value = Value(rawValue: item.text) else {
                throw ConfigError.invalidValue(item.location, key: path(key), value: item.text, expected: Self.oneOf(allowed, near: item.text))
            }
            return value
        }
    }

    /// The `http://` or `https://` URL under `key`, as written; nil when absent. `example` shows a good one.
    func httpURL(_ key: String, example: String) throws -> String? {
        guard let text = try scalarText(key, expected: "a URL such as \(example)") else { return nil }
        let scheme = ["http://", "https://"].first { text.hasPrefix($0) }
        let rest = scheme.map { text.dropFirst($0.count) } ?? ""
        guard scheme != nil, !rest.isEmpty, !rest.hasPrefix("/"), !text.contains(where: \.isWhitespace) else {
            throw ConfigError.invalidValue(location(key), key: path(key), value: text, expected: "an http:// or https:// URL such as \(example)")
        }
        return text
    }

    /// "one of a, b, c", with the nearest allowed value to `text` when one is close.
    static func oneOf(_ allowed: [String], near text: String) -> String {
        let hint = KeySuggestion.nearest(to: text, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
        return "one of \(allowed.joined(separator: ", "))\(hint)"
    }
}
