import AsyncHTTPClient
import BalancerAPI
import Foundation
import Logging

/// The loop at Watch's centre: each interval it reads every source, derives each pool's signals over the detection
/// window, evaluates them against the pool's baseline, and hands findings to the incident tracker. It keeps the
/// recent signals for the API and the dashboard.
public actor WatchEngine {
    /// A pool's state as the API and dashboard show it.
    public struct PoolStatus: Sendable, Codable, Equatable {
        /// The latest signals.
        public var signals: PoolSignals
        /// What the baseline says is usual.
        public var baselineRate: Double?
        /// The pool's recent signals, oldest first (for charts).
        public var history: [HistoryPoint]

        enum CodingKeys: String, CodingKey {
            case signals, history
            case baselineRate = "baseline_rate"
        }
    }

    /// One second of a pool's history: what the charts draw.
    public struct HistoryPoint: Sendable, Codable, Equatable {
        public var at: Date
        public var rate: Double
        public var errorRatio: Double
        /// Observed and expected share and p99 per backend.
        public var backends: [String: BackendPoint]

        enum CodingKeys: String, CodingKey {
            case at, rate, backends
            case errorRatio = "error_ratio"
        }
    }

    /// One backend in a history point.
    public struct BackendPoint: Sendable, Codable, Equatable {
        public var observedShare: Double
        public var expectedShare: Double
        public var p99: Double

        enum CodingKeys: String, CodingKey {
            case p99
            case observedShare = "observed_share"
            case expectedShare = "expected_share"
        }
    }

    /// A source's state.
    public struct SourceStatus: Sendable, Codable, Equatable {
        public var url: String
        public var ok: Bool
        public var lastError: String?
        public var consecutiveFailures: Int

        enum CodingKeys: String, CodingKey {
            case url, ok
            case lastError = "last_error"
            case consecutiveFailures = "consecutive_failures"
        }
    }

    let settings: WatchSettings
    let sources: [any TrafficSource]
    let tracker: IncidentTracker
    let detector: Detector
    let logger: Logger
    /// Counts for Watch's own `/metrics`.
    public let metrics: WatchMetrics
    /// Tells people; nil when Watch has no `--notify` file.
    public let notifier: Notifier?
    /// Rolls balancers back; nil when Watch was not given the means (an HTTP client and the admin token).
    let rollbacks: BalancerRollback?
    /// Incidents Watch has rolled back by itself: once each.
    private var autoRolledBack: Set<Int64> = []
    /// Rollbacks whose traffic is to be written in the timeline: incident, pool, when.
    private var followUps: [(id: Int64, pool: String, due: Date)] = []
    /// How long after a rollback the traffic is looked at again.
    static let followUpAfter: TimeInterval = 10

    private var samples: [String: [(at: Date, sample: PoolSample)]] = [:]
    private var replicaSamples: [String: [(at: Date, sample: ReplicaSample)]] = [:]
    private var replicaSignals: [String: ReplicaSignals] = [:]
    private var baselines: [String: PoolBaseline] = [:]
    private var unhealthySince: [String: [String: Date]] = [:]
    private var frozenSince: [String: Date] = [:]
    private var history: [String: [HistoryPoint]] = [:]
    private var latest: [String: PoolSignals] = [:]
    private var sourceStates: [String: SourceStatus] = [:]
    private var changes = ConfigChangeLog()
    private var listeners: [UUID: AsyncStream<Int>.Continuation] = [:]
    private var tick = 0
    private var lastEvaluated: [String: Date] = [:]

    /// A Watch over `sources`, storing incidents through `tracker`.
    public init(
        settings: WatchSettings, sources: [any TrafficSource], tracker: IncidentTracker, metrics: WatchMetrics, notifier: Notifier? = nil,
        rollbacks: BalancerRollback? = nil, logger: Logger
    ) {
        self.rollbacks = rollbacks
        self.settings = settings
        self.sources = sources
        self.tracker = tracker
        self.detector = Detector(settings: settings.detection)
        self.metrics = metrics
        self.notifier = notifier
        self.logger = logger
    }

    /// Polls until cancelled.
    public func run() async {
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled {
            await poll(at: Date())
            next = next.advanced(by: settings.interval)
            let now = clock.now
            if next < now { next = now }
            try? await Task.sleep(until: next, clock: clock)
        }
        for listener in listeners.values { listener.finish() }
    }

    /// One poll of every source and one evaluation of every pool, at `now`.
    public func poll(at now: Date) async {
        // A source gets at least a second to answer (a busy balancer is not an unreachable one), at most five.
        let timeout = min(max(settings.interval, .seconds(1)), .seconds(5))
        let essential = Set(sources.filter(\.isEssential).map(\.name))
        let readings = await withTaskGroup(of: (String, Result<SourceReading, SourceError>).self) { group in
            for source in sources {
                group.addTask {
                    do throws(SourceError) {
                        return (source.name, .success(try await source.read(timeout: timeout)))
                    } catch {
                        return (source.name, .failure(error))
                    }
                }
            }
            var results: [(String, Result<SourceReading, SourceError>)] = []
            for await result in group { results.append(result) }
            return results
        }
        var views: [[PoolSample]] = []
        for (url, result) in readings {
            switch result {
            case .success(let reading):
                if !reading.pools.isEmpty { views.append(reading.pools) }
                for replica in reading.replicas { record(replica, at: now) }
                sourceStates[url] = SourceStatus(url: url, ok: true, lastError: nil, consecutiveFailures: 0)
                for change in reading.changes where changes.record(change) {
                    logger.info("configuration change seen", metadata: ["source": "\(url)", "diff": "\(change.diff)"])
                    await noteChange(change, at: now)
                }
                await observe("source \(url)", finding: nil, at: now)
            case .failure(let error):
                metrics.pollErrors.add(1)
                var state = sourceStates[url] ?? SourceStatus(url: url, ok: false, lastError: nil, consecutiveFailures: 0)
                state.ok = false
                state.lastError = error.description
                state.consecutiveFailures += 1
                sourceStates[url] = state
                if state.consecutiveFailures == 1 { logger.warning("source failed: \(error.description)") }
                let seconds = Double(state.consecutiveFailures) * settings.interval.seconds
                let finding: Finding? = essential.contains(url) && seconds >= settings.unreachableAfter
                    ? Finding(
                        diagnosis: .targetUnreachable, severity: .ticket, backends: [],
                        summary: "Watch has not been able to read \(url) for \(Int(seconds)) s: \(error.description). Until it can, Watch is blind to the pools behind it.",
                        evidence: [Evidence(signal: "consecutive_failures", value: Double(state.consecutiveFailures))])
                    : nil
                await observe("source \(url)", finding: finding, at: now)
            }
        }
        if let notifier { await notifier.remind(active: await tracker.active, at: now) }
        guard !views.isEmpty else { return }
        for sample in PoolSample.merge(views) {
            await evaluate(sample, at: now)
        }
        await writeFollowUps(at: now)
        tick += 1
        for listener in listeners.values { listener.yield(tick) }
    }

    private func record(_ replica: ReplicaSample, at now: Date) {
        var kept = replicaSamples[replica.backend] ?? []
        kept.append((now, replica))
        while kept.count > 2, now.timeIntervalSince(kept[1].at) >= settings.window.seconds { kept.removeFirst() }
        replicaSamples[replica.backend] = kept
        if kept.count >= 2, let earlier = kept.first { replicaSignals[replica.backend] = ReplicaSignals(from: earlier.sample, to: replica) }
    }

    /// The replicas' own latency and errors next to what the balancer saw, for the backends a finding is about.
    private func withReplicaViews(_ finding: Finding?) -> Finding? {
        guard var finding else { return nil }
        for backend in finding.backends {
            guard let own = replicaSignals[backend], own.requests > 0 else { continue }
            finding.evidence.append(Evidence(signal: "replica_own_p99_ms", backend: backend, value: own.p99))
            finding.evidence.append(Evidence(signal: "replica_own_error_ratio", backend: backend, value: own.errorRatio))
        }
        return finding
    }

    private func evaluate(_ sample: PoolSample, at now: Date) async {
        var kept = samples[sample.name] ?? []
        kept.append((now, sample))
        let windowSeconds = settings.window.seconds
        while kept.count > 2, now.timeIntervalSince(kept[1].at) >= windowSeconds { kept.removeFirst() }
        samples[sample.name] = kept
        guard kept.count >= 2, let earlier = kept.first else { return }
        let seconds = now.timeIntervalSince(earlier.at)
        guard seconds > 0 else { return }
        let signals = PoolSignals(from: earlier.sample, to: sample, seconds: seconds, at: now)
        latest[sample.name] = signals

        var since = unhealthySince[sample.name] ?? [:]
        for b in sample.backends {
            if b.state == .down || b.state == .ejected {
                if since[b.name] == nil { since[b.name] = now }
            } else {
                since[b.name] = nil
            }
        }
        unhealthySince[sample.name] = since
        let unhealthyFor = since.mapValues { now.timeIntervalSince($0) }

        var baseline = baselines[sample.name] ?? PoolBaseline(capacity: settings.baselineSamples, warmUp: settings.warmUpSamples)
        let concentration = sample.sources?.concentration
        let finding = withReplicaViews(detector.evaluate(signals, baseline: baseline, unhealthyFor: unhealthyFor, concentration: concentration))
        if finding != nil { metrics.detections.add(1) }
        let step = lastEvaluated[sample.name].map { now.timeIntervalSince($0) } ?? settings.interval.seconds
        lastEvaluated[sample.name] = now
        let usual = baseline.rate.map { rate in
            Impact.Levels(rate: rate.median, p99: baseline.p99?.median ?? 0, errorRatio: baseline.errorRatio ?? 0)
        }
        await observe(sample.name, finding: finding, at: now, measuring: (signals, min(step, windowSeconds), usual))
        // The baseline learns only what is normal: frozen while the pool is abnormal and while a backend is out, and
        // idle seconds teach it nothing. A freeze longer than `maxFreeze` ends: what has lasted that long is the new
        // normal, and the incident resolves once it is learnt.
        let abnormal = await tracker.isAbnormal(sample.name) || !unhealthyFor.isEmpty
        if abnormal {
            if frozenSince[sample.name] == nil { frozenSince[sample.name] = now }
        } else {
            frozenSince[sample.name] = nil
        }
        let thawed = frozenSince[sample.name].map { now.timeIntervalSince($0) >= settings.maxFreeze } ?? true
        if thawed, signals.requests >= settings.detection.minPoolRequests, seconds >= windowSeconds * 0.5 {
            baseline.learn(signals, topClientsShare: concentration?.topClientsShare)
        }
        baselines[sample.name] = baseline

        var points = history[sample.name] ?? []
        points.append(
            HistoryPoint(
                at: now, rate: signals.rate, errorRatio: signals.errorRatio,
                backends: Dictionary(
                    signals.backends.map { ($0.name, BackendPoint(observedShare: $0.observedShare, expectedShare: $0.expectedShare, p99: $0.p99)) },
                    uniquingKeysWith: { a, _ in a })))
        if points.count > settings.historySamples { points.removeFirst(points.count - settings.historySamples) }
        history[sample.name] = points
    }

    /// Hands one evaluation of `key` to the tracker; `measuring` (the pool's signals, the seconds they stand for, and
    /// its usual levels) counts towards an open incident's impact before anyone is told of it.
    private func observe(
        _ key: String, finding: Finding?, at now: Date, measuring: (signals: PoolSignals, seconds: Double, usual: Impact.Levels?)? = nil
    ) async {
        let changes = self.changes
        let diagnosis = finding?.diagnosis
        do {
            let changed = try await tracker.observe(key, finding: finding, at: now) { onset in
                // Only a skew is blamed on a change; changes during any incident go into its timeline.
                diagnosis == .configSkew ? changes.nearest(before: onset) : nil
            }
            if let measuring {
                await tracker.measure(key, signals: measuring.signals, seconds: measuring.seconds, before: measuring.usual)
            }
            for var change in changed {
                if change.kind != .resolved, let measured = await tracker.current(key) { change.incident = measured }
                let incident = change.incident
                if let notifier { await notifier.handle(change, at: now) }
                if change.kind == .opened || change.kind == .escalated { await rollBackByItself(change.incident) }
                if change.kind == .resolved {
                    logger.info("incident resolved", metadata: ["id": "\(incident.id)", "pool": "\(incident.pool)", "diagnosis": "\(incident.diagnosis.rawValue)"])
                } else if change.kind == .opened {
                    metrics.incidentsOpened.add(1)
                    logger.warning(
                        "incident opened: \(incident.summary)",
                        metadata: ["id": "\(incident.id)", "pool": "\(incident.pool)", "diagnosis": "\(incident.diagnosis.rawValue)", "severity": "\(incident.severity.rawValue)"])
                }
            }
            metrics.incidentsOpen.set(await tracker.active.count)
        } catch {
            logger.error("could not store an incident: \(error)")
        }
    }

    /// Writes a configuration change seen while incidents are open into their timelines: a revert, or a second change.
    private func noteChange(_ change: ConfigChange, at now: Date) async {
        // Changes Watch learns of at its start are history, not news.
        guard tick > 0 else { return }
        do {
            try await tracker.note(TimelineEntry(at: change.at, kind: "config_change", text: "Configuration changed (\(change.source)): \(change.diff)"))
        } catch {
            logger.error("could not store an incident: \(error)")
        }
    }

    /// `person` acknowledges incident `id`; the other team is told.
    public func acknowledge(id: Int64, by person: Operator, text: String?) async throws(IncidentActionError) -> Incident {
        let now = Date()
        let incident = try await tracker.acknowledge(id: id, by: person.name, text: text, at: now)
        logger.info("incident acknowledged", metadata: ["id": "\(id)", "by": "\(person.name)"])
        if let notifier { await notifier.handleAction(.acknowledged, incident: incident, by: person, text: text, at: now) }
        return incident
    }

    /// `person` adds a note to incident `id`; the other team is told.
    public func addNote(id: Int64, by person: Operator, text: String) async throws(IncidentActionError) -> Incident {
        let now = Date()
        let incident = try await tracker.addNote(id: id, by: person.name, text: text, at: now)
        if let notifier { await notifier.handleAction(.note, incident: incident, by: person, text: text, at: now) }
        return incident
    }

    /// `person` resolves incident `id` by hand; everyone routed is told.
    public func resolve(id: Int64, by person: Operator, text: String?) async throws(IncidentActionError) -> Incident {
        let now = Date()
        let incident = try await tracker.resolve(id: id, by: person.name, text: text, at: now)
        logger.info("incident resolved by hand", metadata: ["id": "\(id)", "by": "\(person.name)"])
        metrics.incidentsOpen.set(await tracker.active.count)
        if let notifier { await notifier.handleAction(.resolved, incident: incident, by: person, text: text, at: now) }
        return incident
    }

    /// `person` rolls the balancer behind incident `id` back to the configuration before the change Watch linked to
    /// it; nil `person` is Watch itself (`auto_rollback`). The balancer applies it through its reload gate, so a
    /// rollback it would refuse changes nothing. The outcome goes into the timeline and to both teams, and the
    /// traffic ten seconds later into the timeline.
    public func rollback(id: Int64, by person: Operator?) async throws(IncidentActionError) -> (Incident, BalancerRollback.Outcome) {
        let incident = try await tracker.active(id: id)
        guard let rollbacks else { throw .cannotRollBack(id: id, reason: "this Watch was started without the means to roll back") }
        guard incident.diagnosis == .configSkew else {
            throw .cannotRollBack(id: id, reason: "it is \(incident.diagnosis.rawValue), not config_skew: no configuration change is to blame")
        }
        guard let change = incident.configChange else { throw .cannotRollBack(id: id, reason: "no configuration change is linked to it") }
        guard change.isOnBalancer, let previous = change.previousHash else {
            throw .cannotRollBack(
                id: id, reason: "the change was seen in \(change.source), not on an Evenkeel balancer: restore the previous file with its own tooling")
        }
        let now = Date()
        let outcome = await rollbacks.rollback(adminURL: change.source, to: previous)
        let who = person?.name ?? "Watch (auto_rollback)"
        logger.warning(
            "rollback", metadata: ["id": "\(id)", "by": "\(who)", "balancer": "\(change.source)", "to": "\(previous)", "outcome": "\(outcome.description)"])
        let entry = TimelineEntry(
            at: now, kind: "rollback",
            text: "\(person == nil ? "Automatic rollback" : "Rollback") of \(change.source) to \(previous), the configuration before the change at "
                + "\(change.at.formatted(.iso8601)): \(outcome.description)",
            by: person?.name)
        let updated = try await tracker.append(entry, to: id)
        if outcome.applied { followUps.append((id, incident.pool, now.addingTimeInterval(Self.followUpAfter))) }
        if let notifier { await notifier.handleAction(.rollback, incident: updated, by: person, text: outcome.description, at: now) }
        return (updated, outcome)
    }

    /// Rolls back a skew by itself where the team chose it: only a `config_skew` linked to a change on an Evenkeel
    /// balancer made less than 15 minutes before onset, only once per incident.
    private func rollBackByItself(_ incident: Incident) async {
        guard settings.autoRollback.allows(incident, alreadyRolledBack: autoRolledBack.contains(incident.id)) else { return }
        autoRolledBack.insert(incident.id)
        do {
            _ = try await rollback(id: incident.id, by: nil)
        } catch {
            logger.error("automatic rollback not made: \(error)")
        }
    }

    /// Writes the traffic after each rollback whose follow-up is due: each backend's share against expected.
    private func writeFollowUps(at now: Date) async {
        let due = followUps.filter { $0.due <= now }
        guard !due.isEmpty else { return }
        followUps.removeAll { $0.due <= now }
        for item in due {
            guard let signals = latest[item.pool] else { continue }
            let shares = signals.backends.map { "\($0.name) \(Detector.percent($0.observedShare)) (\(Detector.percent($0.expectedShare)) expected)" }
            let text = "Traffic \(Int(Self.followUpAfter)) s after the rollback: " + shares.joined(separator: ", ")
                + (signals.maxShareRatio.map { String(format: "; largest share ratio %.2f", $0) } ?? "")
            _ = try? await tracker.append(TimelineEntry(at: now, kind: "traffic_after_rollback", text: text), to: item.id)
        }
    }

    /// Every pool's current state.
    public func status() -> [String: PoolStatus] {
        var result: [String: PoolStatus] = [:]
        for (name, signals) in latest {
            result[name] = PoolStatus(signals: signals, baselineRate: baselines[name]?.rate?.median, history: history[name] ?? [])
        }
        return result
    }

    /// The replicas' own views, by backend name.
    public func replicaStatus() -> [String: ReplicaSignals] { replicaSignals }

    /// Every source's state.
    public func sourceStatus() -> [SourceStatus] { sourceStates.values.sorted { $0.url < $1.url } }

    /// The configuration changes seen.
    public func configChanges() -> [ConfigChange] { changes.changes }

    /// A stream that yields after each poll, for live updates; it ends when the engine stops or the caller cancels.
    /// Nil when `limit` streams are open already.
    public func updates(limit: Int = .max) -> AsyncStream<Int>? {
        guard listeners.count < limit else { return nil }
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        listeners[id] = continuation
        continuation.onTermination = { _ in Task { await self.removeListener(id) } }
        return stream
    }

    private func removeListener(_ id: UUID) { listeners[id] = nil }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
