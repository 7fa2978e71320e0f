import Foundation

/// Findings as a SARIF 2.1.0 log, for code-scanning tools (GitHub code scanning, IDE SARIF viewers).
///
/// Every rule passed in is listed in the run's driver, whether or not it found something, so a viewer can
/// show the rule set and link each result to its documentation page. Simulated pool shares are not part
/// of SARIF; they are in the JSON and text outputs.
public enum SARIFReport {
    /// The tool name code-scanning tools show.
    public static let toolName = "evenkeel check"
    /// Where the tool is described, relative to the repository root unless given otherwise.
    public static let defaultInformationURI = "README.md"
    /// Where the rule pages (`<ID>.md`) are, relative to the repository root unless given otherwise.
    public static let defaultRulesBaseURI = "docs/rules/"

    /// Renders `report` as a pretty-printed SARIF 2.1.0 log.
    ///
    /// - Parameters:
    ///   - rules: the rules that ran (usually ``allRules``); their ids, titles, hints and severities
    ///     become the driver's rule descriptors, and results point at them by index.
    ///   - informationURI: the tool's home; pass an absolute URL where the project is published.
    ///   - rulesBaseURI: prefix of each rule's `helpUri` (`<base><ID>.md`).
    public static func render(
        _ report: CheckReport, rules: [any Rule], informationURI: String = defaultInformationURI,
        rulesBaseURI: String = defaultRulesBaseURI
    ) throws -> String {
        let log = makeLog(report, rules: rules, informationURI: informationURI, rulesBaseURI: rulesBaseURI)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(log), as: UTF8.self)
    }

    /// The log as a value, for callers that embed or post-process it.
    public static func makeLog(
        _ report: CheckReport, rules: [any Rule], informationURI: String = defaultInformationURI,
        rulesBaseURI: String = defaultRulesBaseURI
    ) -> SARIFLog {
        let descriptors = rules.map { rule in descriptor(for: type(of: rule), rulesBaseURI: rulesBaseURI) }
        var indexByID: [String: Int] = [:]
        for (index, descriptor) in descriptors.enumerated() where indexByID[descriptor.id] == nil {
            indexByID[descriptor.id] = index
        }
        let results = report.findings.map { finding in
            SARIFLog.Result(
                ruleId: finding.rule, ruleIndex: indexByID[finding.rule], level: level(finding.severity),
                message: .init(text: finding.message), locations: [location(of: finding)])
        }
        let driver = SARIFLog.Driver(name: toolName, informationUri: informationURI, rules: descriptors)
        return SARIFLog(runs: [SARIFLog.Run(tool: SARIFLog.Tool(driver: driver), results: results)])
    }

    /// error → error, warning → warning, info → note.
    public static func level(_ severity: Severity) -> SARIFLog.Level {
        switch severity {
        case .error: .error
        case .warning: .warning
        case .info: .note
        }
    }

    static func descriptor(for rule: any Rule.Type, rulesBaseURI: String) -> SARIFLog.ReportingDescriptor {
        let page = rulesBaseURI + rule.id + ".md"
        return SARIFLog.ReportingDescriptor(
            id: rule.id, name: rule.title, shortDescription: .init(text: rule.title), fullDescription: .init(text: rule.hint),
            help: .init(text: "\(rule.hint) See \(page)."), helpUri: page,
            defaultConfiguration: .init(level: level(rule.severity)))
    }

    static func location(of finding: Finding) -> SARIFLog.Location {
        // SARIF lines are 1-based; a finding without a line (0, e.g. a reload check) gets no region.
        let region = finding.line >= 1 ? SARIFLog.Region(startLine: finding.line) : nil
        return SARIFLog.Location(physicalLocation: .init(artifactLocation: artifactLocation(finding.file), region: region))
    }

    /// A file path as a URI reference: absolute paths become `file://` URIs, relative ones stay relative to
    /// the source root (`%SRCROOT%`), which is how code-scanning uploads match results to repository files.
    static func artifactLocation(_ path: String) -> SARIFLog.ArtifactLocation {
        // Only unreserved characters and "/" stay as they are, so spaces, "%", "#", "?" and ":" cannot
        // change what the reference means.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        if path.hasPrefix("/") { return .init(uri: "file://" + encoded, uriBaseId: nil) }
        let relative = encoded.hasPrefix("./") ? String(encoded.dropFirst(2)) : encoded
        return .init(uri: relative, uriBaseId: "%SRCROOT%")
    }
}
