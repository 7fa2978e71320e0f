import BalancerConfig
import Foundation

/// The outcome of checking configurations: every finding, and each pool's simulated distribution.
public struct CheckReport: Codable, Sendable {
    public var findings: [Finding]
    public var pools: [PoolDistribution]
    /// Each checked file's lines, to show the offending line to people (not part of the JSON).
    public var texts: [String: [String]] = [:]
    /// Files found in folders that are no balancer configuration of any dialect, and so were not checked.
    public var skipped: [String] = []

    enum CodingKeys: String, CodingKey {
        case findings, pools, skipped
    }

    public init(findings: [Finding], pools: [PoolDistribution], texts: [String: [String]] = [:]) {
        self.findings = findings
        self.pools = pools
        self.texts = texts
    }

    /// The most severe finding, if any.
    public var worst: Severity? { findings.map(\.severity).max() }
}

/// Runs every rule and the distribution simulation over balancer configurations.
public struct ConfigChecker: Sendable {
    public let rules: [any Rule]
    public let traffic: TrafficModel

    public init(rules: [any Rule] = allRules, traffic: TrafficModel = TrafficModel()) {
        self.rules = rules
        self.traffic = traffic
    }

    /// Checks one loaded configuration.
    public func check(_ config: CheckedConfig) -> CheckReport {
        let simulator = DistributionSimulator(traffic: traffic)
        let simulation = config.pools.map(simulator.simulate)
        var findings = rules.flatMap { $0.check(config, simulation: simulation) }
        findings.sort { ($0.file, $0.line, $0.rule) < ($1.file, $1.line, $1.rule) }
        return CheckReport(findings: findings, pools: simulation, texts: [config.file: config.text])
    }

    /// Checks files and folders (walked for `.yaml`, `.yml`, `.cfg` and `.conf` files); each file's dialect is
    /// `dialect` or, when nil, detected from its text. A file that does not load throws its `ConfigError`.
    public func check(paths: [String], dialect: Dialect? = nil) throws -> CheckReport {
        var report = CheckReport(findings: [], pools: [])
        for (path, named) in try Self.files(in: paths) {
            // Read and classified once. A file found in a folder that is no balancer configuration (a scenario, a
            // CI file) is passed over; a file named outright must be one.
            let text = try CheckedConfig.text(at: path)
            let detected = dialect ?? Dialect.detect(in: text)
            if !named, detected == nil {
                report.skipped.append(path)
                continue
            }
            let single = check(try CheckedConfig.parse(text, file: path, dialect: detected))
            report.findings += single.findings
            report.pools += single.pools
            report.texts.merge(single.texts) { _, new in new }
        }
        return report
    }

    /// A reload veto for the balancer: errors refuse the new configuration, warnings are recorded on the event.
    public func reloadChecker() -> ReloadChecker {
        { configuration in
            let checked = CheckedConfig(configuration: configuration, source: SourceMap(file: "<reload>", yaml: ""))
            return check(checked).findings.compactMap { finding in
                switch finding.severity {
                case .error: ReloadFinding(severity: .error, message: "\(finding.rule): \(finding.message)")
                case .warning: ReloadFinding(severity: .warning, message: "\(finding.rule): \(finding.message)")
                case .info: nil
                }
            }
        }
    }

    /// The files to check, each with whether it was named outright (not found in a folder).
    static func files(in paths: [String]) throws -> [(path: String, named: Bool)] {
        var files: [(path: String, named: Bool)] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ConfigError.unreadable(file: path, reason: "no such file or folder")
            }
            if isDirectory.boolValue {
                let children = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter(Dialect.mayHold(fileName:)).sorted()
                for child in children.map({ (path as NSString).appendingPathComponent($0) }) {
                    var childIsDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                        files.append((child, false))
                    }
                }
            } else {
                files.append((path, true))
            }
        }
        return files
    }
}
