import BalancerConfig
import Distribution
import NIOCore
import Picking
import Prometheus
import Synchronization

/// The live form of one pool: its backends' state, the picker, the admission queue that enforces
/// `max_connections` per backend, and the retry budget.
///
/// One instance exists per configuration generation; a reload builds new ones and requests already
/// admitted finish on the old instance.
public final class PoolRuntime: Sendable {
    /// The pool's configuration.
    public let config: PoolConfig
    /// Live state per backend, in configuration order.
    public let backends: [BackendRuntime]
    /// The picking algorithm over `backends`.
    public let picker: BackendPicker
    let queueLimit: Int
    let queueTimeout: Duration

    private struct Waiter {
        var id: UInt64
        var key: String?
        var excluding: Set<Int>
        var promise: EventLoopPromise<Int>
    }

    private struct Admission {
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        var retryTokens: Double = 10
        /// The candidates of a request that may go anywhere, kept between requests.
        var eligible = EligibleCandidates()
        /// Buffers reused by admissions that cannot use `eligible` as it is (under the lock), so admitting a request
        /// allocates nothing.
        var excludingSome: [PickCandidate] = []
        var free: [PickCandidate] = []

        mutating func earnRetryToken(budgetPercent: Int) {
            retryTokens = min(100, retryTokens + Double(budgetPercent) / 100)
        }
    }

    private let admission = Mutex(Admission())
    /// `admission.waiters.count`, readable without the lock: a finishing request takes the admission lock only
    /// when someone waits. The lock is shared by every event loop, so each avoided acquisition is a cache line
    /// that does not move between cores.
    private let waiting = Atomic<Int>(0)
    /// How many backends have as many requests in flight as `max_connections` allows. While none has (the common
    /// case), admission picks among the eligible candidates without reading each backend's load. A backend
    /// reaches its limit only in `tryReserve`, under the admission lock, so a reading of 0 there cannot be stale.
    private let backendsAtLimit = Atomic<Int>(0)
    /// Changes to the backends' health, drain and ejection, which make admission recompute its candidates.
    let standingChanges = StandingChanges()
    /// Where this pool's backend state changes and failed requests are logged.
    let log: BalancerLog
    /// The heaviest clients and paths of the last seconds (kept across reloads of the same pool).
    let sources: TrafficSources

    init(
        config: PoolConfig, limits: LimitsConfig, timeouts: TimeoutsConfig, carryingStateFrom old: PoolRuntime?, metrics: BalancerMetrics? = nil,
        log: BalancerLog = .discarding
    ) {
        self.config = config
        self.log = log
        self.sources = old?.sources ?? TrafficSources()
        let now = ContinuousClock.now
        let standingChanges = self.standingChanges
        self.backends = config.backends.enumerated().map { i, b in
            let runtime = BackendRuntime(
                config: b, index: i, now: now, standingChanges: standingChanges,
                latencyMetric: metrics?.latencyHistogram(pool: config.name, backend: b.name))
            // A backend kept across a reload keeps its health, ejection and counters.
            if let previous = old?.backends.first(where: { $0.config.name == b.name && $0.config.address == b.address }) {
                let carried = previous.state.withLock { s -> BackendRuntime.State in
                    var copy = s
                    copy.inFlight = 0
                    return copy
                }
                runtime.state.withLock { $0 = carried }
            }
            return runtime
        }
        self.picker = BackendPicker(backends: config.backends, algorithm: config.algorithm)
        self.queueLimit = limits.queueSize
        self.queueTimeout = timeouts.queue
    }

    /// Effective weights of all backends now (0 = not eligible).
    public func effectiveWeights(now: ContinuousClock.Instant = .now) -> [Double] {
        backends.map { $0.effectiveWeight(now: now, slowStart: config.slowStart) }
    }

    /// How an admission turned out: decided at once (the common case, with no promise to allocate), or queued.
    enum Admitted {
        case decided(Result<Int, ProxyFailure>)
        case queued(EventLoopFuture<Int>)
    }

    /// Reserves a backend slot now when one is free or none is eligible; otherwise queues the request (bounded by
    /// the queue size and timeout) and returns the future of its slot.
    func acquireNow(key: String?, excluding: Set<Int>, newRequest: Bool = false, orQueueOn eventLoop: any EventLoop) -> Admitted {
        let admitted = admission.withLock { a -> Admitted in
            if newRequest { a.earnRetryToken(budgetPercent: config.retry.budgetPercent) }
            switch tryReserve(&a, key: key, excluding: excluding) {
            case .reserved(let index): return .decided(.success(index))
            case .noneEligible: return .decided(.failure(.noBackendAvailable(pool: config.name)))
            case .allBusy:
                guard a.waiters.count < queueLimit else { return .decided(.failure(.queueFull(pool: config.name))) }
                let promise = eventLoop.makePromise(of: Int.self)
                a.nextID += 1
                let id = a.nextID
                a.waiters.append(Waiter(id: id, key: key, excluding: excluding, promise: promise))
                waiting.store(a.waiters.count, ordering: .relaxed)
                eventLoop.scheduleTask(in: .nanoseconds(Int64(DurationText.milliseconds(queueTimeout)) * 1_000_000)) {
                    self.expire(waiter: id)
                }
                return .queued(promise.futureResult)
            }
        }
        if case .queued = admitted {
            // A request finishing on another event loop checks `waiting` without the lock. If it freed its slot after
            // this admission saw it taken, but read `waiting` before the store above, it admitted nobody: looking
            // again now closes that gap (its slot release then happens before this look, or its read of `waiting`
            // after the store).
            admitWaiters(evenIfNoneWait: true)
        }
        return admitted
    }

    private enum Reservation { case reserved(Int), noneEligible, allBusy }

    /// Must be called with the admission lock held, so queue order and slot counts agree.
    private func tryReserve(_ a: inout Admission, key: String?, excluding: Set<Int>) -> Reservation {
        let now = ContinuousClock.now
        let index: Int
        if excluding.isEmpty {
            // Read before the backends, so a change made while they are read is seen by the next request.
            let changes = standingChanges.current
            if !a.eligible.areCurrent(changes: changes, now: now) {
                a.eligible.recompute(changes: changes, now: now, backends: backends, picker: picker, slowStart: config.slowStart)
            }
            if a.eligible.candidates.isEmpty { return .noneEligible }
            if backendsAtLimit.load(ordering: .relaxed) == 0 {
                index = picker.algorithm.pick(from: a.eligible.candidates, key: key)
            } else {
                guard let picked = pickFree(among: a.eligible.candidates, &a, key: key) else { return .allBusy }
                index = picked
            }
        } else {
            // A retry: the backends it tried are left out, which can bring in the backups.
            var candidates: [PickCandidate] = []
            swap(&candidates, &a.excludingSome)
            defer { swap(&candidates, &a.excludingSome) }
            picker.collectCandidates(into: &candidates, excluding: excluding) {
                backends[$0].effectiveWeight(now: now, slowStart: config.slowStart)
            }
            if candidates.isEmpty { return .noneEligible }
            guard let picked = pickFree(among: candidates, &a, key: key) else { return .allBusy }
            index = picked
        }
        let second = Self.second(of: now)
        let limit = backends[index].config.maxConnections
        backends[index].state.withLock {
            $0.inFlight += 1
            if $0.inFlight == limit { backendsAtLimit.add(1, ordering: .relaxed) }
            $0.requests += 1
            $0.share.record(atSecond: second)
        }
        picker.requestStarted(index)
        return .reserved(index)
    }

    /// Picks among the `candidates` that have a free slot, or nil when none has.
    private func pickFree(among candidates: [PickCandidate], _ a: inout Admission, key: String?) -> Int? {
        a.free.removeAll(keepingCapacity: true)
        for candidate in candidates where backends[candidate.index].inFlight < backends[candidate.index].config.maxConnections {
            a.free.append(candidate)
        }
        return a.free.isEmpty ? nil : picker.algorithm.pick(from: a.free, key: key)
    }

    private func expire(waiter id: UInt64) {
        let expired = admission.withLock { a -> Waiter? in
            guard let i = a.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            defer { waiting.store(a.waiters.count, ordering: .relaxed) }
            return a.waiters.remove(at: i)
        }
        expired?.promise.fail(ProxyFailure.queueTimeout(pool: config.name))
    }

    /// Frees the slot of a finished request on backend `index` (`endingTunnel` when it was a WebSocket tunnel) and
    /// admits queued requests.
    func release(_ index: Int, latency: Duration?, endingTunnel: Bool = false) {
        backends[index].state.withLock { s in
            endRequest(&s, on: index)
            if endingTunnel { s.tunnels -= 1 }
        }
        picker.requestFinished(index, latency: latency)
        admitWaiters()
    }

    /// Finishes a request that got a complete response from backend `index`: frees its slot, counts the
    /// response and its latency, and feeds outlier detection, under one acquisition of the backend's lock (three
    /// before; the lock is shared by every event loop).
    func finish(_ index: Int, status: Int, latency: Duration) {
        let backend = backends[index]
        let failed = status >= 500
        backend.state.withLock { s in
            endRequest(&s, on: index)
            s.countResponse(status: status, latency: latency)
            if !failed { s.consecutiveFailures = 0 }
        }
        backend.latencyMetric?.record(latency)
        if failed { recordOutcome(index, failed: true) }
        picker.requestFinished(index, latency: latency)
        admitWaiters()
    }

    /// Counts backend `index`'s `101 Switching Protocols` and its latency. The request keeps its slot: the tunnel that
    /// follows is load on the backend (for `least_connections` and `max_connections`) until ``release(_:latency:)``.
    func switchedProtocols(_ index: Int, latency: Duration) {
        let backend = backends[index]
        backend.state.withLock { s in
            s.countResponse(status: 101, latency: latency)
            s.consecutiveFailures = 0
            s.tunnels += 1
        }
        backend.latencyMetric?.record(latency)
    }

    /// Takes a finished request off backend `index`'s count, under its lock.
    private func endRequest(_ s: inout BackendRuntime.State, on index: Int) {
        guard s.inFlight > 0 else { return }
        if s.inFlight == backends[index].config.maxConnections { backendsAtLimit.subtract(1, ordering: .relaxed) }
        s.inFlight -= 1
    }

    /// Admits queued requests while slots are free (nothing to do, and no lock taken, when none wait).
    private func admitWaiters(evenIfNoneWait: Bool = false) {
        guard evenIfNoneWait || waiting.load(ordering: .relaxed) > 0 else { return }
        var admitted: [(EventLoopPromise<Int>, Int)] = []
        var refused: [EventLoopPromise<Int>] = []
        admission.withLock { a in
            while let first = a.waiters.first {
                switch tryReserve(&a, key: first.key, excluding: first.excluding) {
                case .reserved(let i):
                    a.waiters.removeFirst()
                    admitted.append((first.promise, i))
                    continue
                case .noneEligible:
                    a.waiters.removeFirst()
                    refused.append(first.promise)
                    continue
                case .allBusy:
                    break
                }
                break
            }
            waiting.store(a.waiters.count, ordering: .relaxed)
        }
        for (promise, i) in admitted { promise.succeed(i) }
        for promise in refused { promise.fail(ProxyFailure.noBackendAvailable(pool: config.name)) }
    }

    /// Requests waiting for a backend slot.
    public var queueDepth: Int { admission.withLock { $0.waiters.count } }

    /// Takes a retry token if the budget allows another retry.
    func takeRetryToken() -> Bool {
        admission.withLock { a in
            guard a.retryTokens >= 1 else { return false }
            a.retryTokens -= 1
            return true
        }
    }

    static func currentSecond() -> Int64 {
        second(of: .now)
    }

    /// Whole seconds from ``ContinuousClock/epoch`` to `instant`: the share window's bucket.
    static func second(of instant: ContinuousClock.Instant) -> Int64 {
        (instant - ContinuousClock.epoch).components.seconds
    }
}

extension ContinuousClock {
    /// A fixed reference instant, so per-second buckets of all backends line up.
    static let epoch = ContinuousClock.now
}
