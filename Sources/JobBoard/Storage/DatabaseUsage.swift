import Synchronization

/// Counts database operations in flight and in total, so `/metrics` can show how busy the pool is.
public final class DatabaseUsage: Sendable {
    private let counters = Mutex<(inFlight: Int, total: Int)>((0, 0))

    public init() {}

    /// Operations running now.
    public var inFlight: Int { counters.withLock { $0.inFlight } }
    /// Operations started since the process began.
    public var total: Int { counters.withLock { $0.total } }

    func track<T>(_ body: () async throws -> T) async throws -> T {
        counters.withLock {
            $0.inFlight += 1
            $0.total += 1
        }
        defer { counters.withLock { $0.inFlight -= 1 } }
        return try await body()
    }
}

extension DatabaseUsage {
    /// The usage counter a store reports into, or a fresh one for stores that keep none.
    static func of(_ store: any JobBoardStore) -> DatabaseUsage {
        (store as? any UsageReporting)?.usage ?? DatabaseUsage()
    }
}

/// A store that counts its database operations.
protocol UsageReporting {
    var usage: DatabaseUsage { get }
}

extension SQLiteStore: UsageReporting {}
