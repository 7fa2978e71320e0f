import Synchronization

/// What a test started (servers, balancers, stores) and how to stop it, run once. A test awaits ``run()`` at its
/// end, so everything is stopped before the test is over rather than by a detached task that outlives it and races
/// the next test for ports and cores; its `defer` calls ``runIfForgotten()``, which stops what an early exit or a
/// thrown error left running.
public final class Teardown: Sendable {
    private let work: @Sendable () async -> Void
    private let done = Atomic<Bool>(false)

    public init(_ work: @escaping @Sendable () async -> Void) {
        self.work = work
    }

    /// Stops everything, once, and waits until it is stopped.
    public func run() async {
        guard !done.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await work()
    }

    /// From a `defer`: when the test left before ``run()`` (a thrown error, an early return), stops everything in
    /// the background, the only way a synchronous `defer` can.
    public func runIfForgotten() {
        guard !done.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let work = self.work
        Task { await work() }
    }
}
