import Synchronization

/// Set once graceful shutdown begins: connections finish their current exchange and then close.
final class ShutdownSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    var isShuttingDown: Bool { flag.load(ordering: .relaxed) }

    func begin() { flag.store(true, ordering: .relaxed) }
}
