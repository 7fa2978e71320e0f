import Synchronization

/// Requests waiting for a free connection, taken by many connection workers; `finish()` lets idle workers stop.
final class JobQueue<Job: Sendable>: Sendable {
    private struct State {
        var jobs: [Job] = []
        var head = 0
        var waiters: [CheckedContinuation<Job?, Never>] = []
        var finished = false

        mutating func popJob() -> Job? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private let state = Mutex(State())

    func push(_ job: Job) {
        let waiter: CheckedContinuation<Job?, Never>? = state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.jobs.append(job)
            return nil
        }
        waiter?.resume(returning: job)
    }

    /// The next job, or nil once the queue is finished and empty.
    func pop() async -> Job? {
        await withCheckedContinuation { continuation in
            let ready: Job?? = state.withLock { state in
                if let job = state.popJob() { return .some(job) }
                if state.finished { return .some(nil) }
                state.waiters.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// No more jobs will come.
    func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// Jobs waiting now.
    var depth: Int { state.withLock { $0.jobs.count - $0.head } }
}
