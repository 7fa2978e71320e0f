import BalancerConfig

/// Why a live check could not start: a bad target, bad settings, or a configuration it could not read.
public enum LiveCheckError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The target is not `http://HOST[:PORT][/PATH]`.
    case invalidTarget(String, reason: String)
    /// A setting out of its range, e.g. `--requests 0`.
    case invalidSetting(name: String, value: String, expected: String)
    /// No intended weights, or weights that do not add up to a positive total.
    case noIntendedShares(String)
    /// The balancer configuration did not load.
    case config(ConfigError)
    /// No pool of the configuration serves the probe path.
    case noPool(path: String, file: String)

    /// One line a person reads.
    public var description: String {
        switch self {
        case .invalidTarget(let target, let reason):
            "invalid live-check target '\(target)': \(reason); expected http://HOST:PORT"
        case .invalidSetting(let name, let value, let expected):
            "invalid \(name) '\(value)'; expected \(expected)"
        case .noIntendedShares(let reason):
            "no intended shares to compare with: \(reason)"
        case .config(let error):
            error.description
        case .noPool(let path, let file):
            "\(file): no pool serves the probe path '\(path)'"
        }
    }
}
