import NIOCore

/// A timeout that is cheap to move on the hot path: arming and disarming store a deadline, and at most one task is
/// scheduled at a time. When that task fires before the current deadline (the deadline moved later), it schedules
/// itself again for it; only a deadline earlier than the pending task costs a new schedule.
///
/// The proxy re-arms its idle, response and upstream-idle timeouts on every request; scheduling and cancelling a
/// task each time (a heap insert, a linear search to cancel, a closure and a promise) cost more than the timeouts
/// are worth. Bound to one event loop: every call happens on it.
final class LazyTimeout {
    private let loop: any EventLoop
    private let onExpiry: () -> Void
    /// When the timeout expires, nil when disarmed.
    private var deadline: NIODeadline?
    /// The one scheduled task and when it runs.
    private var pending: (task: Scheduled<Void>, at: NIODeadline)?

    /// A disarmed timeout on `loop` that calls `onExpiry` (on the loop) when an armed deadline passes.
    init(on loop: any EventLoop, onExpiry: @escaping () -> Void) {
        self.loop = loop
        self.onExpiry = onExpiry
    }

    /// Expires `amount` from now, replacing any deadline set before.
    func arm(in amount: TimeAmount) {
        let deadline = loop.now + amount
        self.deadline = deadline
        if let pending {
            if pending.at <= deadline { return }
            pending.task.cancel()
        }
        schedule(at: deadline)
    }

    /// Stops the timeout from expiring; the pending task, if any, stays to serve the next deadline.
    func disarm() {
        deadline = nil
    }

    /// Disarms and cancels the pending task: for a connection that is closing.
    func cancel() {
        deadline = nil
        pending?.task.cancel()
        pending = nil
    }

    private func schedule(at deadline: NIODeadline) {
        let task = loop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] () -> Void in self?.fired() }
        pending = (task, deadline)
    }

    private func fired() {
        pending = nil
        guard let deadline else { return }
        if loop.now < deadline {
            schedule(at: deadline)
            return
        }
        self.deadline = nil
        onExpiry()
    }
}
