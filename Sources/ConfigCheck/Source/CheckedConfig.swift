import BalancerConfig
import Foundation

/// A balancer configuration with where it came from: what the rules look at.
public struct CheckedConfig: Sendable {
    public let configuration: BalancerConfiguration
    public let source: SourceMap

    public init(configuration: BalancerConfiguration, source: SourceMap) {
        self.configuration = configuration
        self.source = source
    }

    /// Loads an Evenkeel balancer YAML file; a file that does not load throws its `ConfigError` (file:line:column).
    public static func load(path: String) throws -> CheckedConfig {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError.unreadable(file: path, reason: "\(error.localizedDescription)")
        }
        return CheckedConfig(
            configuration: try BalancerConfigLoader.parse(yaml: yaml, file: path), source: SourceMap(file: path, yaml: yaml))
    }

    /// A finding located at `path` in this file.
    func finding(_ rule: any Rule, _ severity: Severity? = nil, at path: String, _ message: String) -> Finding {
        Finding(
            rule: type(of: rule).id, severity: severity ?? type(of: rule).severity, file: source.file, line: source.line(path),
            message: message, hint: type(of: rule).hint)
    }
}
