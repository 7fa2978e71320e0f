import BalancerConfig
import Foundation

extension CheckedConfig {
    /// Reads a configuration file of `dialect`, or of the dialect its text shows when nil. A file that cannot be
    /// read or parsed throws a `ConfigError` naming file, line and column.
    public static func load(path: String, dialect: Dialect? = nil) throws -> CheckedConfig {
        try parse(try text(at: path), file: path, dialect: dialect)
    }

    /// Parses configuration text; `file` names it in findings and errors.
    public static func parse(_ text: String, file: String, dialect: Dialect? = nil) throws -> CheckedConfig {
        switch try self.dialect(of: text, file: file, given: dialect) {
        case .evenkeel:
            return CheckedConfig(
                configuration: try BalancerConfigLoader.parse(yaml: text, file: file), source: SourceMap(file: file, yaml: text))
        case .haproxy:
            return try HAProxyReader(text: text, file: file).read()
        case .nginx:
            return try NginxReader(text: text, file: file).read()
        }
    }

    /// A configuration file's text; a file that cannot be read throws `ConfigError.unreadable`.
    public static func text(at path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError.unreadable(file: path, reason: "\(error.localizedDescription)")
        }
    }

    /// `given`, or the dialect `text` shows; text that shows none is an error that says what was expected.
    public static func dialect(of text: String, file: String, given: Dialect? = nil) throws -> Dialect {
        guard let dialect = given ?? Dialect.detect(in: text) else {
            throw ConfigError.malformed(
                ConfigLocation(file: file, line: 1, column: 1),
                problem: "cannot tell which balancer this configuration is for; expected Evenkeel YAML (pools:), HAProxy (global/defaults/frontend/backend/listen sections) or nginx (upstream blocks); name it with --dialect")
        }
        return dialect
    }
}
