/// A backend that may take the next request, with its current effective weight (configured weight
/// scaled by slow start; never 0).
public struct PickCandidate: Sendable, Equatable {
    /// Index of the backend in its pool's `backends`.
    public var index: Int
    /// Effective weight, > 0.
    public var weight: Double

    /// Creates a candidate.
    public init(index: Int, weight: Double) {
        self.index = index
        self.weight = weight
    }
}

/// Picks one backend from the currently eligible set, in proportion to weight.
///
/// One small type per algorithm implements this. They hold their own state (behind a `Mutex`, so one
/// instance is shared by every event loop and the split is exact rather than per-thread), and none of them
/// depends on NIO: ConfigCheck runs this very code to simulate a configuration's distribution.
public protocol PickingAlgorithm: Sendable {
    /// Chooses among `candidates` (never empty); `key` is the request's hash key, when the algorithm uses
    /// one. Returns a candidate's `index`.
    func pick(from candidates: [PickCandidate], key: String?) -> Int

    /// Tells the algorithm a request was sent to `backend` (for load-aware algorithms).
    func requestStarted(_ backend: Int)

    /// Tells the algorithm a request to `backend` finished; `latency` is nil when it failed before a response.
    func requestFinished(_ backend: Int, latency: Duration?)
}

extension PickingAlgorithm {
    /// Load-unaware algorithms ignore request starts.
    public func requestStarted(_ backend: Int) {}
    /// Load-unaware algorithms ignore request ends.
    public func requestFinished(_ backend: Int, latency: Duration?) {}
}
