import NIOCore

/// A timeout that is cheap to move on the hot path: arming and disarming store a deadline, and at most one task is
/// scheduled at a time. When that task fires before the current deadline (the deadline moved later), it schedules
/// itself again for it; only a deadline earlier than the pending task costs a new schedule.
///
/// The proxy re-arms its idle, response and upstream-idle timeouts on every request; scheduling and cancelling a
/// task each time (a heap insert, a linear search to cancel, a closure and a promise) cost more than the timeouts
/// are worth. Bound to one event loop: every call happens on it.
///
/// Nothing here is referenced weakly: an object that ever is gets a side table, and from then on every retain and
/// release of it takes the runtime's slow path (2-3 % of the proxy's CPU, measured). The expiry closure may hold
/// its owner strongly instead; `cancel()` drops it, so an owner must cancel when its channel closes.
final class LazyTimeout {
    private let loop: any EventLoop
    /// Called when an armed deadline passes; nil once cancelled, which also releases whatever it captured.
    private var onExpiry: (() -> Void)?
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
        arm(in: amount, from: loop.now)
    }

    /// Expires `amount` after `now`, a time just read: the proxy reads the clock once when a response ends and arms
    /// both idle timeouts from that reading.
    func arm(in amount: TimeAmount, from now: NIODeadline) {
        let deadline = now + amount
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

    /// Disarms for good and cancels the pending task: for a connection that is closing. Releases the expiry
    /// closure, breaking the cycle with an owner it captured.
    func cancel() {
        deadline = nil
        onExpiry = nil
        pending?.task.cancel()
        pending = nil
    }

    private func schedule(at deadline: NIODeadline) {
        // The task holds the timeout until it runs or is cancelled, at the latest one timeout from now.
        let task = loop.assumeIsolated().scheduleTask(deadline: deadline) { () -> Void in self.fired() }
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
        onExpiry?()
    }
}
