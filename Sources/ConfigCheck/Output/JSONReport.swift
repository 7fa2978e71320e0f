import Foundation

/// Findings and simulated shares as JSON, for tools: `{"findings":[…],"pools":[…]}`.
public enum JSONReport {
    public static func render(_ report: CheckReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}
