/// A fault in a balancer configuration file, always with the `file:line:column` where it sits and what
/// was expected there.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The text is not well-formed YAML.
    case syntax(ConfigLocation, problem: String)
    /// A key the balancer does not know; `suggestion` is the nearest known key, if any is close.
    case unknownKey(ConfigLocation, key: String, section: String, suggestion: String?)
    /// A key that must be present is missing from a mapping.
    case missingKey(ConfigLocation, key: String, section: String)
    /// A value of the wrong shape, e.g. a list where a number was expected.
    case wrongType(ConfigLocation, key: String, expected: String)
    /// A value of the right shape but not allowed, e.g. a weight of -1.
    case invalidValue(ConfigLocation, key: String, value: String, expected: String)
    /// Two items that must have distinct names share one.
    case duplicateName(ConfigLocation, kind: String, name: String, firstAt: ConfigLocation)
    /// A rule spanning several values is broken, e.g. a pool with no primary backend.
    case inconsistent(ConfigLocation, problem: String)
    /// Text that is not well-formed in its own (non-YAML) language, e.g. an nginx block that is never closed.
    case malformed(ConfigLocation, problem: String)

    /// Where the fault is; nil only when the file could not be read.
    public var location: ConfigLocation? {
        switch self {
        case .unreadable: nil
        case .syntax(let l, _), .unknownKey(let l, _, _, _), .missingKey(let l, _, _), .wrongType(let l, _, _),
            .invalidValue(let l, _, _, _), .duplicateName(let l, _, _, _), .inconsistent(let l, _), .malformed(let l, _):
            l
        }
    }

    /// One line a person reads: location first, then what is wrong and what was expected.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read configuration: \(reason)"
        case .syntax(let l, let problem):
            return "\(l): YAML syntax error: \(problem)"
        case .unknownKey(let l, let key, let section, let suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
            return "\(l): unknown key '\(key)' in \(section)\(hint)"
        case .missingKey(let l, let key, let section):
            return "\(l): \(section) is missing the required key '\(key)'"
        case .wrongType(let l, let key, let expected):
            return "\(l): '\(key)' has the wrong type; expected \(expected)"
        case .invalidValue(let l, let key, let value, let expected):
            return "\(l): invalid value '\(value)' for '\(key)'; expected \(expected)"
        case .duplicateName(let l, let kind, let name, let first):
            return "\(l): duplicate \(kind) name '\(name)' (first defined at \(first.line):\(first.column))"
        case .inconsistent(let l, let problem), .malformed(let l, let problem):
            return "\(l): \(problem)"
        }
    }
}
