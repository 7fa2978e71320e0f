import Foundation

/// The configuration changes Watch has seen, newest last, bounded; incidents are linked to the nearest one before
/// their onset.
public struct ConfigChangeLog: Sendable {
    /// Changes kept.
    public let capacity: Int
    /// Every kept change, oldest first.
    public private(set) var changes: [ConfigChange] = []

    public init(capacity: Int = 500) {
        self.capacity = capacity
    }

    /// Records `change` unless already known (same source, time and hash). Returns whether it was new.
    @discardableResult
    public mutating func record(_ change: ConfigChange) -> Bool {
        if changes.contains(where: { $0.source == change.source && $0.at == change.at && $0.hash == change.hash }) { return false }
        changes.append(change)
        changes.sort { $0.at < $1.at }
        if changes.count > capacity { changes.removeFirst(changes.count - capacity) }
        return true
    }

    /// The latest change at or before `onset` (with `slack` for clocks and the detection window), no older than
    /// `within`.
    public func nearest(before onset: Date, slack: TimeInterval = 2, within: TimeInterval = 900) -> ConfigChange? {
        changes.last { $0.at <= onset.addingTimeInterval(slack) && $0.at >= onset.addingTimeInterval(-within) }
    }
}
