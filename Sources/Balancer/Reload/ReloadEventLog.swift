import BalancerAPI
import Synchronization

/// The most recent reload events, kept in memory (bounded).
public final class ReloadEventLog: Sendable {
    /// How many events are kept.
    public let capacity: Int
    private let events = Mutex<[ReloadEvent]>([])

    /// Creates an empty log keeping at most `capacity` events.
    public init(capacity: Int = 200) { self.capacity = capacity }

    /// Appends an event, dropping the oldest beyond capacity.
    public func append(_ event: ReloadEvent) {
        events.withLock { list in
            list.append(event)
            if list.count > capacity { list.removeFirst(list.count - capacity) }
        }
    }

    /// All kept events, oldest first.
    public var all: [ReloadEvent] { events.withLock { $0 } }
}
