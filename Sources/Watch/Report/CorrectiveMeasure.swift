import ConfigCheck
import Foundation

/// One thing to do so that an incident like this one does not happen again, or is found and fixed sooner: a
/// ConfigCheck rule that would have caught its cause, a practice, a test, a runbook to follow.
struct CorrectiveMeasure: Sendable, Codable, Equatable {
    /// What kind of measure: `config_check` (a ConfigCheck rule), `check_before_deploy`, `live_check`,
    /// `health_checks`, `balancing`, `load_test`, `capacity`, `rate_limits`, `edge_protection`, `monitoring`,
    /// `deploy`, `runbook`.
    var kind: String
    /// The ConfigCheck rule's id (`EK108`), for `config_check`.
    var id: String?
    /// What to do and why, in one or two sentences.
    var text: String

    init(kind: String, id: String? = nil, text: String) {
        self.kind = kind
        self.id = id
        self.text = text
    }

    /// Whether it changes the setup (a setting, a check that gates it) rather than being a task around it; the
    /// draft lists these first, as "to improve or fix".
    var isFix: Bool { ["config_check", "check_before_deploy", "live_check", "health_checks", "balancing"].contains(kind) }
}

/// A ConfigCheck rule and why it applies to a diagnosis, with the rule's id and title read from ConfigCheck itself so
/// the draft cannot name a rule that does not exist.
struct RuleNote: Sendable {
    let id: String
    let title: String
    let why: String
    /// Lower-cased fragments of a configuration diff that point at this rule (`source_ip`, `weight`).
    let hints: [String]

    init<R: Rule>(_ rule: R.Type, _ why: String, hints: [String] = []) {
        id = R.id
        title = R.title
        self.why = why
        self.hints = hints
    }

    init(id: String, title: String, why: String) {
        self.id = id
        self.title = title
        self.why = why
        hints = []
    }

    func measure(config: String) -> CorrectiveMeasure {
        CorrectiveMeasure(kind: "config_check", id: id, text: "\(title): \(why) `evenkeel check \(config)` reports it.")
    }
}

/// The measures that apply to each diagnosis.
enum CorrectiveMeasures {
    /// Fragments of a diff that mean hashing on the client's address, in Evenkeel's, HAProxy's and nginx's words.
    static let sourceAddressHints = ["source_ip", "balance source", "ip_hash", "remote_addr", "sourceip"]

    /// The rules that catch a balancer setting which skews traffic, by what each catches.
    static let skewRuleNotes: [RuleNote] = [
        RuleNote(
            SourceIPHashRule.self,
            "hashing on the client address sends everyone behind one NAT, proxy or CDN to the same backend; `--clients 3` simulates such traffic.",
            hints: sourceAddressHints),
        RuleNote(
            WeakHashKeyRule.self, "a hash key with a handful of values, or one clients set at will, puts nearly all requests on a few backends.",
            hints: ["header", "hash-type", "hdr("]),
        RuleNote(
            FewRingPointsRule.self, "a hash ring with few points per server gives servers very unequal shares even with many distinct keys.",
            hints: ["consistent_hash", "hash-type", "consistent"]),
        RuleNote(
            WeightOutlierRule.self, "a weight far above its peers' (a typo such as 10→100) sends most of the pool's requests to one backend.",
            hints: ["weight"]),
        RuleNote(ZeroWeightRule.self, "a primary with weight 0 leaves its share to the others.", hints: ["weight"]),
        RuleNote(
            WeightsIgnoredRule.self, "weights under an algorithm that ignores them do not split traffic the way the file suggests.",
            hints: ["weight", "balance first"]),
        RuleNote(DuplicateServerRule.self, "a server listed twice in a pool gets both entries' shares.", hints: ["+backend", "server "]),
        RuleNote(AddressInSeveralPoolsRule.self, "a server in several pools receives every pool's share.", hints: ["+backend", "+pool", "server "]),
        RuleNote(
            StickyWithoutExpiryRule.self, "stickiness that never expires keeps long-lived clients on the servers they first reached.",
            hints: ["stick", "cookie"]),
    ]

    /// The simulation's rule: it flags any backend set to get more than its intended share, whatever setting causes it.
    static let simulatedSkew = RuleNote(
        SimulatedSkewRule.self, "the simulated split of every pool flags a backend set to receive more than its intended share, whatever the setting behind it.")

    /// The skew rules that fit `diff` (the configuration change Watch linked), all of them when it names none.
    static func skewRules(for diff: String?) -> [RuleNote] {
        guard let diff = diff?.lowercased() else { return skewRuleNotes + [simulatedSkew] }
        let source = sourceAddressHints.contains { diff.contains($0) }
        let matched = skewRuleNotes.filter { note in
            // A weak-key finding is about header and constant keys; hashing on the source address is EK108's.
            if note.id == WeakHashKeyRule.id, source { return false }
            return note.hints.contains { diff.contains($0) }
        }
        return (matched.isEmpty ? skewRuleNotes : matched) + [simulatedSkew]
    }

    /// The ids of ConfigCheck rules that `diff` quotes (Watch adds the new file's findings to a file change), as rules.
    static func rulesQuoted(in diff: String) -> [RuleNote] {
        let ids = diff.split { !$0.isLetter && !$0.isNumber }
            .filter { $0.count == 5 && $0.hasPrefix("EK") && $0.dropFirst(2).allSatisfy(\.isNumber) }
            .map(String.init)
        var seen: Set<String> = []
        return ids.compactMap { id in
            guard seen.insert(id).inserted, let rule = allRules.first(where: { type(of: $0).id == id }) else { return nil }
            let ruleType = type(of: rule)
            return RuleNote(id: id, title: ruleType.title, why: "it was reported on this very change and let through. \(ruleType.hint)")
        }
    }

    /// Every measure for `incident`, rules first; `config` is the configuration file to name in commands.
    static func measures(for incident: Incident, config: String) -> [CorrectiveMeasure] {
        let diff = incident.configChange?.diff
        var rules = diff.map(rulesQuoted(in:)) ?? []
        var others: [CorrectiveMeasure] = []
        switch incident.diagnosis {
        case .configSkew:
            rules += skewRules(for: diff)
            others += [
                CorrectiveMeasure(
                    kind: "check_before_deploy",
                    text: "Run `evenkeel check \(config)` before every deploy and on every reload (in CI and in the deploy step), failing on warnings, so a configuration that skews traffic never reaches the balancer."),
                CorrectiveMeasure(
                    kind: "live_check",
                    text: "After each deploy, compare the real split with the intended one: `evenkeel check --live URL --config \(config)`."),
                CorrectiveMeasure(
                    kind: "load_test",
                    text: "Load-test a new configuration before it serves users: `evenkeel load URL --expect-config \(config) --threshold 'share_ratio<1.2'` fails when a backend takes more than its share."),
                CorrectiveMeasure(
                    kind: "monitoring",
                    text: "Keep alerting on each backend's share against its configured share (Watch, or `evenkeel rules` in Prometheus), so a skew pages within seconds of the reload that causes it."),
            ]
        case .backendDown:
            rules += [
                RuleNote(NoHealthCheckRule.self, "without active checks and passive outlier ejection a dead backend keeps its share."),
                RuleNote(SlowFailureDetectionRule.self, "interval × fall above 30 s keeps a dead backend in rotation that long."),
                RuleNote(FlappingThresholdsRule.self, "rise 1 and fall 1 move a backend in and out on a single probe."),
                RuleNote(PassiveChecksDisabledRule.self, "a server whose failures are never counted keeps failing its share of requests."),
                RuleNote(NoSlowStartRule.self, "a recovered backend that takes its full share at once, cold, may fail again."),
                RuleNote(SingleBackendRule.self, "with one primary there is nowhere to go when it fails."),
                RuleNote(BackupsOutnumberPrimariesRule.self, "few primaries carry everything while backups idle."),
            ]
            others += [
                CorrectiveMeasure(
                    kind: "capacity",
                    text: "Check that the pool carries its peak with one backend out: drain one replica and run `evenkeel load URL --rate PEAK --threshold 'p99<250ms' --threshold 'errors<1%'`."),
                CorrectiveMeasure(
                    kind: "monitoring",
                    text: "Look for a skew before the backend went down (a `diagnosis_changed` from config_skew, or a reload shortly before): an overloaded backend failing its checks is the skew's second stage."),
            ]
        case .backendErrors:
            rules += [
                RuleNote(NoHealthCheckRule.self, "passive outlier ejection takes a backend out after a few failed requests; without it, it keeps failing its share."),
                RuleNote(PassiveChecksDisabledRule.self, "a server whose failures are never counted is never taken out."),
                RuleNote(RetriesWithoutBudgetRule.self, "retries without a budget multiply the load on the remaining backends while one fails."),
                RuleNote(NonIdempotentRetryRule.self, "resending POSTs to another backend applies them twice."),
            ]
            others += [
                CorrectiveMeasure(
                    kind: "health_checks",
                    text: "Tune outlier ejection (consecutive failures, ejection time, maximum ejection percent) so a failing backend leaves rotation after a few failed requests."),
                CorrectiveMeasure(
                    kind: "deploy", text: "Roll replicas out one at a time and watch each one's error ratio before the next."),
                CorrectiveMeasure(
                    kind: "monitoring", text: "Alert on a backend's error ratio against its peers' (Watch, or `evenkeel rules` in Prometheus)."),
            ]
        case .backendDegraded:
            rules += [
                RuleNote(NoHealthCheckRule.self, "outlier ejection on timeouts takes a backend that stops answering out of rotation."),
                RuleNote(QueueTimeoutRule.self, "a queue that waits as long as a response only adds latency in front of a slow backend."),
                RuleNote(RetriesWithoutBudgetRule.self, "retries without a budget add load exactly when a backend is slow."),
            ]
            others += [
                CorrectiveMeasure(
                    kind: "balancing",
                    text: "Consider `least_connections` or `p2c_ewma` for the pool: both send less to a backend that answers slowly."),
                CorrectiveMeasure(
                    kind: "monitoring",
                    text: "Alert on a backend's latency against its peers' (Watch, or `evenkeel rules` in Prometheus), and keep host metrics (CPU, memory, disk, GC) for every replica."),
            ]
        case .sharedSlowdown:
            rules += [
                RuleNote(QueueTimeoutRule.self, "requests that wait without a time limit pile up instead of failing fast."),
                RuleNote(ConnectionLimitsRule.self, "connection limits out of proportion with the frontend make most requests queue."),
                RuleNote(RetriesWithoutBudgetRule.self, "retries without a budget add load to a dependency that is already slow."),
            ]
            others += [
                CorrectiveMeasure(
                    kind: "load_test",
                    text: "Find the rate at which latency turns, against a production-like database: `evenkeel load URL --steps 100,200,400 --threshold 'p99<250ms'`."),
                CorrectiveMeasure(
                    kind: "monitoring",
                    text: "Monitor what the backends share: database operations in flight (`evenkeel_db_operations_in_flight`), locks, migrations, disk; review recent deploys of the application and the database."),
            ]
        case .trafficSurge:
            rules += [
                RuleNote(ConnectionLimitsRule.self, "limits out of proportion with the frontend turn a surge into queueing."),
                RuleNote(QueueTimeoutRule.self, "a queue without a sensible time limit makes a surge slow for everyone instead of failing fast."),
                RuleNote(RetriesWithoutBudgetRule.self, "retries without a budget multiply a surge."),
            ]
            others += [
                CorrectiveMeasure(
                    kind: "load_test",
                    text: "Know the pool's headroom: `evenkeel load URL --spike 100:5:10:10 --expect-config \(config) --threshold 'errors<1%'`, repeated after capacity changes."),
                CorrectiveMeasure(kind: "capacity", text: "Add replicas ahead of expected peaks (newsletters, promotions) and know the rate at which p99 degrades."),
                CorrectiveMeasure(
                    kind: "rate_limits", text: "Keep the job board's rate limits on (login, sign-up, posting, applying) so a surge cannot exhaust them."),
            ]
        case .attackSuspected:
            rules += [
                RuleNote(ConnectionLimitsRule.self, "`limits.max_client_connections` sized to what the pool can serve keeps a flood from queueing everyone.")
            ]
            others += [
                CorrectiveMeasure(
                    kind: "edge_protection",
                    text: "Rate-limit or block heavy addresses at the edge, and have DDoS protection ready for floods the NOC confirms; check first that the heavy addresses are not your own CDN or proxy."),
                CorrectiveMeasure(
                    kind: "rate_limits", text: "Keep the job board's per-address and per-account rate limits on, and review their levels against this traffic."),
                CorrectiveMeasure(
                    kind: "monitoring",
                    text: "Make sure every balancer reports `sources` (top clients and paths), so Watch can tell an attack from a surge."),
                CorrectiveMeasure(
                    kind: "load_test", text: "Rehearse a flood: `evenkeel load URL --spike 100:5:10:10 --threshold 'errors<1%'` with the edge protections on."),
            ]
        case .targetUnreachable:
            others += [
                CorrectiveMeasure(
                    kind: "monitoring",
                    text: "Monitor from a second place as well (`evenkeel rules` in Prometheus, over the balancer's /metrics), so a Watch that cannot read a balancer is not the only eye on its pools."),
                CorrectiveMeasure(
                    kind: "deploy",
                    text: "Keep Watch's balancer addresses in step with each balancer's `listeners.admin`, and upgrade balancers and Watch together when the admin API version changes."),
            ]
        }
        if diff != nil, incident.diagnosis != .configSkew {
            others.insert(
                CorrectiveMeasure(
                    kind: "check_before_deploy",
                    text: "A configuration change came shortly before onset: run `evenkeel check \(config)` before every deploy and on every reload."),
                at: 0)
        }
        var seen: Set<String> = []
        let ruleMeasures = rules.filter { seen.insert($0.id).inserted }.map { $0.measure(config: config) }
        let runbook = CorrectiveMeasure(
            kind: "runbook",
            text: "Follow the runbook section `\(incident.diagnosis.runbook)` during the next such incident, and add to it what this one taught.")
        return ruleMeasures + others + [runbook]
    }
}
