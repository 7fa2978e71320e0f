import Distribution
import Synchronization

/// Who sends a pool its requests and to which paths, over the last 10 to 20 seconds, in bounded memory: the
/// heaviest clients and paths of the current 10-second period and the one before. `/admin/stats` reports them so a
/// flood from a few sources can be told from a crowd.
final class TrafficSources: Sendable {
    static let period: Int64 = 10
    static let capacity = 32

    struct Period: Sendable {
        var clients = HeavyHitters(capacity: TrafficSources.capacity)
        var paths = HeavyHitters(capacity: TrafficSources.capacity)
    }

    private struct State: Sendable {
        var start: Int64 = 0
        var current = Period()
        var previous = Period()

        mutating func roll(to second: Int64) {
            let start = second - second % TrafficSources.period
            guard start != self.start else { return }
            previous = start - self.start == TrafficSources.period ? current : Period()
            current = Period()
            self.start = start
        }
    }

    private let state = Mutex(State())

    /// Counts one request from `client` to `path` in `second`.
    func record(client: String, path: String, atSecond second: Int64) {
        state.withLock { s in
            s.roll(to: second)
            s.current.clients.record(client)
            s.current.paths.record(path)
        }
    }

    /// The current and previous periods merged, and the seconds they cover, as of `second`.
    func recent(atSecond second: Int64) -> (period: Period, seconds: Int64) {
        state.withLock { s in
            s.roll(to: second)
            var merged = s.previous
            merged.clients.merge(s.current.clients)
            merged.paths.merge(s.current.paths)
            return (merged, TrafficSources.period + second % TrafficSources.period + 1)
        }
    }
}
