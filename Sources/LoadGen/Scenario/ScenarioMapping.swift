import BalancerConfig
import Yams

/// One YAML mapping of a scenario file: unknown keys are rejected up front with the nearest known key as a
/// hint, and each value is read into a typed one or fails with its own line and column.
struct ScenarioMapping {
    let file: String
    /// The mapping's name in messages, e.g. `requests[2]`.
    let section: String
    let mapping: Node.Mapping
    let location: ConfigLocation

    init(_ node: Node, section: String, file: String, known: [String]) throws(ScenarioError) {
        self.file = file
        self.section = section
        location = Self.location(of: node, file: file)
        guard let mapping = node.mapping else { throw .wrongType(location, key: section, expected: "a mapping of keys to values") }
        self.mapping = mapping
        for key in mapping.keys {
            guard let name = key.scalar?.string else {
                throw .wrongType(Self.location(of: key, file: file), key: section, expected: "plain text keys")
            }
            guard known.contains(name) else {
                throw .unknownKey(
                    Self.location(of: key, file: file), key: name, section: section, known: known,
                    suggestion: KeySuggestion.nearest(to: name, in: known))
            }
        }
    }

    static func location(of node: Node, file: String) -> ConfigLocation {
        ConfigLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// `section.key`, or `key` at the top level.
    func path(_ key: String) -> String { section == ScenarioReader.rootSection ? key : "\(section).\(key)" }

    func node(_ key: String) -> Node? { mapping[key] }

    /// Where the value of `key` sits, or the mapping itself when the key is absent.
    func location(_ key: String) -> ConfigLocation { node(key).map { Self.location(of: $0, file: file) } ?? location }

    /// The text of a scalar value, or nil when the key is absent.
    func text(_ key: String, expected: String = "text") throws(ScenarioError) -> String? {
        guard let value = node(key) else { return nil }
        guard let scalar = value.scalar else { throw .wrongType(location(key), key: path(key), expected: expected) }
        return scalar.string
    }

    /// A number in `range`, or nil when the key is absent.
    func number(_ key: String, in range: ClosedRange<Double>, excludingLower: Bool = false) throws(ScenarioError) -> Double? {
        let expected = excludingLower ? "a number above \(range.lowerBound) and at most \(range.upperBound)" : "a number in \(range)"
        guard let text = try text(key, expected: expected) else { return nil }
        guard let value = Double(text), range.contains(value), !(excludingLower && value == range.lowerBound) else {
            throw .invalidValue(location(key), key: path(key), value: text, expected: expected)
        }
        return value
    }

    /// An integer in `range`, or nil when the key is absent.
    func integer(_ key: String, in range: ClosedRange<Int>) throws(ScenarioError) -> Int? {
        let expected = "an integer in \(range)"
        guard let text = try text(key, expected: expected) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(location(key), key: path(key), value: text, expected: expected)
        }
        return value
    }

    /// The value of a key that must be present.
    func required<Value>(_ key: String, _ read: (String) throws(ScenarioError) -> Value?) throws(ScenarioError) -> Value {
        guard let value = try read(key) else { throw .missingKey(location, key: key, section: section) }
        return value
    }
}
