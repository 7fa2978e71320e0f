import Foundation
/// How bad a finding is.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info
    case warning
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One thing a rule found: what will happen to traffic, where, and how to fix it.
public struct Finding: Codable, Sendable, Equatable, CustomStringConvertible {
    public var rule: String
    public var severity: Severity
    public var file: String
    public var line: Int
    public var message: String
    public var hint: String

    public init(rule: String, severity: Severity, file: String, line: Int, message: String, hint: String) {
        self.rule = rule
        self.severity = severity
        self.file = file
        self.line = line
        self.message = message
        self.hint = hint
    }

    public var description: String { "\(file):\(line): \(severity.rawValue) \(rule): \(message)" }
}
