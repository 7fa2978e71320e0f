import Foundation

/// Findings for people: grouped by file, each with the offending line and the fix.
public enum TextReport {
    public static func render(_ report: CheckReport) -> String {
        let skipped = report.skipped.map { "skipped \($0): not a balancer configuration of any dialect\n" }.joined()
        guard !report.findings.isEmpty else {
            return skipped + "no findings in \(report.pools.count) pool\(report.pools.count == 1 ? "" : "s")\n"
        }
        var out = skipped
        var currentFile: String?
        for finding in report.findings {
            if finding.file != currentFile {
                out += "\(finding.file)\n"
                currentFile = finding.file
            }
            out += "  \(finding.line): \(finding.severity.rawValue) \(finding.rule) \(finding.message)\n"
            if let text = report.texts[finding.file], finding.line >= 1, finding.line <= text.count {
                out += "      | \(text[finding.line - 1].trimmingCharacters(in: .whitespaces))\n"
            }
            out += "      fix: \(finding.hint)\n"
        }
        let counts = Severity.allCases.reversed().map { severity in
            "\(report.findings.filter { $0.severity == severity }.count) \(severity.rawValue)"
        }
        return out + counts.joined(separator: ", ") + "\n"
    }
}
