import BalancerConfig
import Foundation

extension CheckedConfig {
    /// Reads a configuration file of `dialect`, or of the dialect its text shows when nil. A file that cannot be
    /// read or parsed throws a `ConfigError` naming file, line and column.
    public static func load(path: String, dialect: Dialect? = nil) throws -> CheckedConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError.unreadable(file: path, reason: "\(error.localizedDescription)")
        }
        return try parse(text, file: path, dialect: dialect)
    }

    /// Parses configuration text; `file` names it in findings and errors.
    public static func parse(_ text: String, file: String, dialect: Dialect? = nil) throws -> CheckedConfig {
        guard let dialect = dialect ?? Dialect.detect(in: text) else {
            throw ConfigError.malformed(
                ConfigLocation(file: file, line: 1, column: 1),
                problem: "cannot tell which balancer this configuration is for; expected Evenkeel YAML (pools:), HAProxy (global/defaults/frontend/backend/listen sections) or nginx (upstream blocks); name it with --dialect")
        }
        switch dialect {
        case .evenkeel:
            return CheckedConfig(
                configuration: try BalancerConfigLoader.parse(yaml: text, file: file), source: SourceMap(file: file, yaml: text))
        case .haproxy:
            return try HAProxyReader(text: text, file: file).read()
        case .nginx:
            return try NginxReader(text: text, file: file).read()
        }
    }
}
