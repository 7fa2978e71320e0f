import BalancerConfig

/// A fault in a scenario file, with the `file:line:column` where it sits and what was expected there, so a
/// person can fix the file without guessing.
public enum ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The text is not well-formed YAML.
    case syntax(ConfigLocation, problem: String)
    /// A key scenarios do not have; `suggestion` is the nearest known key, if one is close.
    case unknownKey(ConfigLocation, key: String, section: String, known: [String], suggestion: String?)
    /// A key that must be present is missing.
    case missingKey(ConfigLocation, key: String, section: String)
    /// A value of the wrong shape, e.g. a list where a number was expected.
    case wrongType(ConfigLocation, key: String, expected: String)
    /// A value of the right shape but not allowed, e.g. a negative weight.
    case invalidValue(ConfigLocation, key: String, value: String, expected: String)
    /// A template names a value the scenario does not define.
    case unknownPlaceholder(ConfigLocation, name: String, defined: [String])

    /// Where the fault is; nil only when the file could not be read.
    public var location: ConfigLocation? {
        switch self {
        case .unreadable: nil
        case .syntax(let l, _), .unknownKey(let l, _, _, _, _), .missingKey(let l, _, _), .wrongType(let l, _, _),
            .invalidValue(let l, _, _, _), .unknownPlaceholder(let l, _, _):
            l
        }
    }

    /// One line a person reads: location first, then what is wrong and what was expected. Faults a balancer
    /// configuration can have too are worded by `ConfigError`, so both files read alike.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read scenario: \(reason)"
        case .syntax(let l, let problem):
            return ConfigError.syntax(l, problem: problem).description
        case .unknownKey(let l, let key, let section, let known, let suggestion):
            let base = ConfigError.unknownKey(l, key: key, section: section, suggestion: suggestion).description
            return suggestion == nil ? "\(base); expected one of \(known.joined(separator: ", "))" : base
        case .missingKey(let l, let key, let section):
            return ConfigError.missingKey(l, key: key, section: section).description
        case .wrongType(let l, let key, let expected):
            return ConfigError.wrongType(l, key: key, expected: expected).description
        case .invalidValue(let l, let key, let value, let expected):
            return ConfigError.invalidValue(l, key: key, value: value, expected: expected).description
        case .unknownPlaceholder(let l, let name, let defined):
            let known = defined.isEmpty ? "no values are defined (add them under 'values')" : "defined: \(defined.joined(separator: ", "))"
            return "\(l): template uses '{{\(name)}}', which is not defined; \(known)"
        }
    }
}
