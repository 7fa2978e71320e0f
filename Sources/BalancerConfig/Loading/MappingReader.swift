import Yams

/// Reads one YAML mapping of a configuration file: rejects unknown keys up front (with the nearest known
/// key as a hint) and turns each value into a typed one, failing with the value's own line and column.
package struct MappingReader {
    package let file: String
    /// Human name of the mapping in messages, e.g. `pools[0].health`.
    package let section: String
    package let mapping: Node.Mapping
    package let location: ConfigLocation

    package init(_ node: Node, section: String, file: String, known: [String]) throws {
        self.file = file
        self.section = section
        self.location = Self.location(of: node, file: file)
        guard let mapping = node.mapping else {
            throw ConfigError.wrongType(location, key: section, expected: "a mapping of keys to values")
        }
        self.mapping = mapping
        for (key, _) in mapping {
            guard let name = key.scalar?.string else {
                throw ConfigError.wrongType(Self.location(of: key, file: file), key: section, expected: "plain string keys")
            }
            if !known.contains(name) {
                throw ConfigError.unknownKey(
                    Self.location(of: key, file: file), key: name, section: section,
                    suggestion: KeySuggestion.nearest(to: name, in: known))
            }
        }
    }

    package static func location(of node: Node, file: String) -> ConfigLocation {
        let mark = node.mark
        return ConfigLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    package func path(_ key: String) -> String { section == BalancerConfigLoader.rootSection ? key : "\(section).\(key)" }

    /// The raw value node for `key`, if present.
    package func node(_ key: String) -> Node? { mapping[key] }

    /// Where the value for `key` sits (or the mapping itself when the key is absent).
    package func location(_ key: String) -> ConfigLocation {
        node(key).map { Self.location(of: $0, file: file) } ?? location
    }

    /// Location of the key itself, for messages about the key rather than its value.
    package func keyLocation(_ key: String) -> ConfigLocation {
        for (k, _) in mapping where k.scalar?.string == key { return Self.location(of: k, file: file) }
        return location
    }

    package func scalarText(_ key: String, expected: String) throws -> String? {
        guard let value = node(key) else { return nil }
        guard let scalar = value.scalar else {
            throw ConfigError.wrongType(location(key), key: path(key), expected: expected)
        }
        return scalar.string
    }

    package func string(_ key: String, default fallback: String) throws -> String {
        guard let text = try scalarText(key, expected: "a string") else { return fallback }
        guard !text.isEmpty else {
            throw ConfigError.invalidValue(location(key), key: path(key), value: text, expected: "a non-empty string")
        }
        return text
    }

    package func requiredString(_ key: String) throws -> String {
        guard node(key) != nil else { throw ConfigError.missingKey(location, key: key, section: section) }
        return try string(key, default: "")
    }

    package func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        let expected = "an integer in \(range.lowerBound)...\(range.upperBound)"
        guard let text = try scalarText(key, expected: expected) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigError.invalidValue(location(key), key: path(key), value: text, expected: expected)
        }
        return value
    }

    package func double(_ key: String, default fallback: Double?, range: ClosedRange<Double>) throws -> Double? {
        let expected = "a number in \(range.lowerBound)...\(range.upperBound)"
        guard let text = try scalarText(key, expected: expected) else { return fallback }
        guard let value = Double(text), range.contains(value) else {
            throw ConfigError.invalidValue(location(key), key: path(key), value: text, expected: expected)
        }
        return value
    }

    package func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let text = try scalarText(key, expected: "true or false") else { return fallback }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            throw ConfigError.invalidValue(location(key), key: path(key), value: text, expected: "true or false")
        }
    }

    package func duration(_ key: String, default fallback: Duration, range: ClosedRange<Duration>) throws -> Duration {
        let expected = "a duration like 250ms, 2s or 1m between \(DurationText.format(range.lowerBound)) and \(DurationText.format(range.upperBound))"
        guard let text = try scalarText(key, expected: expected) else { return fallback }
        guard let value = DurationText.parse(text), range.contains(value) else {
            throw ConfigError.invalidValue(location(key), key: path(key), value: text, expected: expected)
        }
        return value
    }

    /// A nested mapping's reader, or nil when the key is absent.
    package func child(_ key: String, known: [String]) throws -> MappingReader? {
        guard let value = node(key) else { return nil }
        return try MappingReader(value, section: path(key), file: file, known: known)
    }

    /// The items of a sequence value, or nil when the key is absent.
    package func sequence(_ key: String, expected: String) throws -> [Node]? {
        guard let value = node(key) else { return nil }
        guard let items = value.sequence else {
            throw ConfigError.wrongType(location(key), key: path(key), expected: expected)
        }
        return Array(items)
    }
}
