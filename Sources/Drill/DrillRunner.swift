import AsyncHTTPClient
import Balancer
import BalancerConfig
import BalancerAPI
import Foundation
import LoadGen
import Logging
import Watch

/// Runs drills: starts a fleet, and for each scenario a fresh Watch on its balancer, the base load, a baseline,
/// the fault at a known instant, its removal, and the wait for every incident to resolve; then says what happened.
public struct DrillRunner: Sendable {
    public let settings: DrillSettings
    /// The `evenkeel` executable the replicas run as.
    public let executable: URL
    /// The scratch folder (kept when asked).
    public let folder: URL
    let logger: Logger

    public init(settings: DrillSettings, executable: URL, folder: URL, logger: Logger) {
        self.settings = settings
        self.executable = executable
        self.folder = folder
        self.logger = logger
    }

    /// Runs `scenarios` in order on one fleet; `progress` hears one line per step.
    public func run(_ scenarios: [DrillScenario], progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> [DrillResult] {
        progress("starting the fleet in \(folder.path): seeding \(settings.seedJobs) jobs, 3 replicas, the balancer")
        let fleet = try await DrillFleet.start(folder: folder, executable: executable, settings: settings, logger: logger)
        var results: [DrillResult] = []
        do {
            for scenario in scenarios {
                try await fleet.reset()
                results.append(try await run(scenario, on: fleet, progress: progress))
            }
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
        return results
    }

    static let pool = "jobboard"
    /// Client addresses of the base load.
    static let crowd = 50
    static let quiet = Logger(label: "evenkeel.drill.watch") { _ in SwiftLogNoOpLogHandler() }

    func run(_ scenario: DrillScenario, on fleet: DrillFleet, progress: @escaping @Sendable (String) -> Void) async throws -> DrillResult {
        let admin = "http://127.0.0.1:\(fleet.listening.admin)"
        // No listener: the drill reads Watch in process (the port only shows in the notices' links).
        var watchSettings = WatchSettings(balancers: [admin], listenPort: 0, databasePath: ":memory:")
        watchSettings.autoRollback = settings.autoRollback ? .every : .none
        let store = try IncidentStore(path: ":memory:")
        let routes = NotifySettings(
            receivers: [
                ReceiverSettings(name: "noc", kind: .webhook, url: "http://127.0.0.1:\(fleet.receiver.port)/noc", audience: .noc),
                ReceiverSettings(name: "engineering", kind: .webhook, url: "http://127.0.0.1:\(fleet.receiver.port)/engineering", audience: .engineering),
            ],
            routes: [NotifyRoute(receivers: ["noc", "engineering"], groupWait: .zero)])
        let watch = try await WatchParts.assemble(
            settings: watchSettings, store: store, sources: [BalancerSource(baseURL: admin, client: fleet.client)], client: fleet.client,
            notify: routes, logger: Self.quiet)
        let (engine, tracker) = (watch.engine, watch.tracker)
        let delivery = watch.delivery
        let watching = [Task { await engine.run() }, Task { if let delivery { await delivery.run() } }]
        let noticesBefore = fleet.receiver.all.count

        // The base load: the job-board mix, for longer than the scenario can last, from 50 client addresses, as a
        // crowd of users would come; `skew-hash` has them all behind one address (a NAT or CDN), as in the postmortem.
        let longest = settings.warmSeconds + settings.faultSeconds + settings.holdSeconds + settings.resolveSeconds + settings.cleanSeconds + 60
        var base = LoadTest(
            host: "127.0.0.1", port: fleet.listening.proxy, mix: .jobBoard(jobCount: settings.seedJobs), model: .open(.constant(rate: settings.rate)),
            duration: longest, connections: 32, timeout: 5)
        base.clientAddresses = try ClientAddresses(count: scenario == .skewHash ? 1 : Self.crowd, targetHost: "127.0.0.1")
        // Over HTTPS when the balancer terminates TLS (its certificate is the drill's own, self-signed).
        if settings.tls { base.tls = ClientTLS(verifyCertificates: false) }
        let loadStart = Date()
        let load = base
        let baseLoad = Task { await load.run() }

        progress("\(scenario.rawValue): warming Watch's baseline for \(Int(settings.warmSeconds)) s at \(Int(settings.rate)) requests/s")
        try await Task.sleep(for: .seconds(settings.warmSeconds))
        let before = await Self.levels(engine)
        let injectedAt = Date()
        progress("\(scenario.rawValue): \(scenario.fault)")
        let extra = try await inject(scenario, on: fleet)

        // Wait for the expected incident (or, for `clean`, let the run go on), with the fault on.
        var found: Incident?
        let faultEnd = injectedAt.addingTimeInterval(scenario == .clean ? settings.cleanSeconds : settings.faultSeconds)
        while Date() < faultEnd {
            let opened = try await store.incidents(limit: 50).filter { $0.openedAt >= injectedAt }
            if let expected = scenario.expected, let match = opened.first(where: { $0.diagnosis.rawValue == expected }) {
                found = match
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        if found != nil { try await Task.sleep(for: .seconds(settings.holdSeconds)) }
        let during = await Self.levels(engine)
        extra?.cancel()
        try await remove(scenario, on: fleet)
        let removedAt = Date()
        progress("\(scenario.rawValue): fault removed; waiting for every incident to resolve")
        let resolveEnd = removedAt.addingTimeInterval(settings.resolveSeconds)
        while Date() < resolveEnd, !(await tracker.active.isEmpty) { try await Task.sleep(for: .milliseconds(250)) }
        let resolvedAt = await tracker.active.isEmpty ? Date() : nil
        // The notices of the resolution have a moment to arrive.
        try await Task.sleep(for: .seconds(1))
        let after = await Self.levels(engine)
        baseLoad.cancel()
        let report = await baseLoad.value
        for task in watching { task.cancel() }
        for task in watching { await task.value }

        let incidents = try await store.incidents(limit: 100).filter { $0.openedAt >= injectedAt }.sorted { $0.id < $1.id }
        let match = scenario.expected.flatMap { expected in incidents.first { $0.diagnosis.rawValue == expected } }
        let stored = match.flatMap { m in incidents.first { $0.id == m.id } }
        var result = DrillResult(
            scenario: scenario, fault: scenario.fault, expected: scenario.expected, given: incidents.first?.diagnosis.rawValue, passed: false,
            problems: [], injectedAt: injectedAt, detectedAt: stored?.openedAt,
            detectionSeconds: stored.map { $0.openedAt.timeIntervalSince(injectedAt) }, configChange: stored?.configChange?.diff,
            mitigatedAt: nil, mitigationSeconds: nil, removedAt: removedAt, resolvedAt: resolvedAt, notifications: [],
            falseIncidents: incidents.filter { $0.id != stored?.id }.map(\.diagnosis.rawValue), before: before, during: during, after: after,
            requestsAffected: stored?.impact?.requests, loadRequestsDuringFault: 0, loadErrorsDuringFault: 0,
            timeline: stored?.timeline ?? [], history: (await engine.status())[Self.pool]?.history ?? [])
        if let rollback = stored?.timeline.first(where: { $0.kind == "rollback" }) {
            result.mitigatedAt = rollback.at
            result.mitigationSeconds = rollback.at.timeIntervalSince(injectedAt)
        }
        if let stored {
            for notice in fleet.receiver.all.dropFirst(noticesBefore) where notice.incidents.contains(stored.id) {
                let from = notice.status == "resolved" ? (stored.resolvedAt ?? stored.openedAt) : stored.openedAt
                result.notifications.append(
                    DrillResult.Notice(receiver: notice.path, status: notice.status, delaySeconds: notice.at.timeIntervalSince(from), title: notice.title))
            }
        }
        let first = Int(injectedAt.timeIntervalSince(loadStart)), last = Int(removedAt.timeIntervalSince(loadStart))
        for second in report.perSecond where second.second >= first && second.second <= last {
            result.loadRequestsDuringFault += second.completed
            result.loadErrorsDuringFault += second.errors
        }
        result.problems = judge(result)
        result.passed = result.problems.isEmpty
        progress("\(scenario.rawValue): \(result.passed ? "PASS" : "FAIL")" + (result.problems.isEmpty ? "" : ": " + result.problems.joined(separator: "; ")))
        return result
    }

    /// Why a result misses the scenario's targets; empty when it passes.
    func judge(_ r: DrillResult) -> [String] {
        var problems: [String] = []
        guard let expected = r.expected else {
            if !r.falseIncidents.isEmpty { problems.append("incidents opened with nothing injected: \(r.falseIncidents.joined(separator: ", "))") }
            return problems
        }
        guard let seconds = r.detectionSeconds else {
            problems.append("no \(expected) incident" + (r.given.map { " (Watch said \($0))" } ?? ""))
            return problems
        }
        if r.given != expected { problems.append("the first incident was \(r.given ?? "none"), not \(expected)") }
        let limit = r.scenario == .skewHash || r.scenario == .skewWeight ? min(10, settings.maxDetectSeconds) : settings.maxDetectSeconds
        if seconds > limit { problems.append(String(format: "detected after %.1f s, over %.0f s", seconds, limit)) }
        if r.scenario == .skewHash || r.scenario == .skewWeight, r.configChange == nil { problems.append("the incident names no configuration change") }
        for receiver in ["/noc", "/engineering"] {
            guard let delay = r.firstNotice(receiver) else {
                problems.append("\(receiver) was not told")
                continue
            }
            if delay > 2 { problems.append(String(format: "%@ told after %.1f s, over 2 s", receiver, delay)) }
        }
        if !r.falseIncidents.isEmpty { problems.append("also opened: \(r.falseIncidents.joined(separator: ", "))") }
        if r.resolvedAt == nil { problems.append("an incident was still open \(Int(settings.resolveSeconds)) s after the fault was removed") }
        return problems
    }

    static func levels(_ engine: WatchEngine) async -> DrillResult.Levels? {
        guard let signals = await engine.status()[pool]?.signals else { return nil }
        return DrillResult.Levels(rate: signals.rate, p99Ms: signals.p99, errorRatio: signals.errorRatio)
    }

    /// Puts the fault in; returns the extra load's task for the scenarios that add load.
    func inject(_ scenario: DrillScenario, on fleet: DrillFleet) async throws -> Task<LoadReport, Never>? {
        let seconds = settings.faultSeconds + settings.holdSeconds + 30
        switch scenario {
        case .skewHash:
            let event = try await fleet.reconfigure(algorithm: "{ type: consistent_hash, key: source_ip }")
            guard event.result == "applied" else { throw DrillError.setup("the hash reload was \(event.result): \(event.error ?? "")") }
        case .skewWeight:
            let event = try await fleet.reconfigure(weights: ["replica-2": 3])
            guard event.result == "applied" else { throw DrillError.setup("the weight reload was \(event.result): \(event.error ?? "")") }
        case .surge, .attack:
            var extra = LoadTest(
                host: "127.0.0.1", port: fleet.listening.proxy,
                mix: scenario == .surge ? .jobBoard(jobCount: settings.seedJobs) : .single(path: "/api/v1/jobs?q=engineer"),
                model: .open(.constant(rate: settings.rate * 4)), duration: seconds, connections: 64, timeout: 5)
            // Clients of their own, past the base load's.
            extra.clientAddresses = try ClientAddresses(count: scenario == .surge ? 50 : 3, targetHost: "127.0.0.1", skipping: scenario == .surge ? 100 : 200)
            if settings.tls { extra.tls = ClientTLS(verifyCertificates: false) }
            let load = extra
            return Task { await load.run() }
        case .degraded:
            try await fleet.inject("replica-2", latencyMs: 200, seconds: seconds)
        case .errors:
            try await fleet.inject("replica-2", errorRatio: 0.2, seconds: seconds)
        case .down:
            fleet.kill("replica-3")
        case .sharedSlowdown:
            for name in fleet.names { try await fleet.inject(name, latencyMs: 150, seconds: seconds) }
        case .clean:
            break
        }
        return nil
    }

    /// Takes the fault out (a skew that Watch already rolled back is left as it is).
    func remove(_ scenario: DrillScenario, on fleet: DrillFleet) async throws {
        switch scenario {
        case .skewHash, .skewWeight:
            let config = fleet.balancer.runtime.generation.config.pools[0]
            if config.algorithm != .roundRobin || config.backends.contains(where: { $0.weight != 1 }) { try await fleet.reconfigure() }
        case .degraded, .errors, .sharedSlowdown:
            for name in fleet.names { await fleet.clearFault(name) }
        case .down:
            try await fleet.restart("replica-3")
        case .surge, .attack, .clean:
            break
        }
    }
}
