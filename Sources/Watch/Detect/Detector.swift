import BalancerAPI
import Foundation

/// Reads one pool's signals against its baseline and names at most one cause, with the numbers behind it.
///
/// The order is the order of explanation: a backend that is down explains a shift of shares; an uneven split
/// explains its over-loaded backend's latency; one slow or failing backend explains itself; only then is volume
/// (a surge, or an attack when few clients send it) or a slowdown of every backend at once considered.
public struct Detector: Sendable {
    /// The thresholds.
    public var settings: DetectionSettings

    public init(settings: DetectionSettings = DetectionSettings()) {
        self.settings = settings
    }

    /// The finding for `signals`, or nil when the pool looks normal.
    ///
    /// - Parameters:
    ///   - unhealthyFor: seconds each backend has been down or ejected without interruption.
    ///   - concentration: the heaviest clients' and path's shares in the window, when the source reports them.
    public func evaluate(
        _ signals: PoolSignals, baseline: PoolBaseline, unhealthyFor: [String: Double] = [:], concentration: ClientConcentration? = nil
    ) -> Finding? {
        if let down = backendDown(signals, unhealthyFor: unhealthyFor) { return down }
        let surging = isSurging(signals, baseline)
        if let skew = configSkew(signals, baseline, surging: surging) { return skew }
        if let failing = backendErrors(signals) { return failing }
        if let slow = backendDegraded(signals) { return slow }
        if surging { return surge(signals, baseline, concentration) }
        return sharedSlowdown(signals, baseline)
    }

    // MARK: - backend_down

    func backendDown(_ s: PoolSignals, unhealthyFor: [String: Double]) -> Finding? {
        let down = s.backends.filter { !$0.backup && ($0.state == .down || $0.state == .ejected) && (unhealthyFor[$0.name] ?? 0) >= settings.downAfter }
        guard !down.isEmpty else { return nil }
        let primaries = s.backends.filter { !$0.backup }
        let left = primaries.count - down.count
        let names = down.map(\.name)
        let actions = down.map { b in
            b.state == .ejected
                ? "\(b.name) was ejected by the balancer after failing requests"
                : "\(b.name) failed its health checks and the balancer took it out of rotation"
        }
        let severity: Severity = left == 0 || s.errorRatio >= 0.01 ? .page : .ticket
        let summary = "\(actions.joined(separator: "; ")) (for \(Int((down.compactMap { unhealthyFor[$0.name] }.max() ?? 0).rounded())) s). "
            + (left == 0
                ? "No primary backend is left in pool \(s.pool)."
                : "Its traffic goes to the \(left) other backend\(left == 1 ? "" : "s") of pool \(s.pool); errors \(Self.percent(s.errorRatio)).")
        var evidence = down.map { Evidence(signal: "state_\($0.state.rawValue)", backend: $0.name, value: unhealthyFor[$0.name] ?? 0, baseline: settings.downAfter) }
        evidence.append(Evidence(signal: "error_ratio", value: s.errorRatio))
        return Finding(diagnosis: .backendDown, severity: severity, backends: names, summary: summary, evidence: evidence)
    }

    // MARK: - config_skew

    /// Both shapes of a skew. Not splitting as the weights say is a skew at any volume (a surge is shared as
    /// intended); a split that moved away from the pool's baseline is judged only at normal volume.
    func configSkew(_ s: PoolSignals, _ baseline: PoolBaseline, surging: Bool = false) -> Finding? {
        guard s.requests >= settings.minPoolRequests else { return nil }
        let active = s.backends.filter { $0.state == .healthy || $0.state == .draining }
        // Shape 1: the balancer does not split as its weights say (hashing on a key with few values).
        let overExpected = active.filter { b in
            b.observedShare - b.expectedShare >= settings.skewExcess
                && (b.expectedShare == 0 || b.observedShare >= settings.skewRatio * b.expectedShare)
        }
        if !overExpected.isEmpty {
            let evidence = overExpected.map { Evidence(signal: "observed_share", backend: $0.name, value: $0.observedShare, baseline: $0.expectedShare) }
                + [Evidence(signal: "jain_index", value: s.jainIndex ?? 0, baseline: 1)]
            let detail = overExpected.map { "\($0.name) gets \(Self.percent($0.observedShare)) of requests where \(Self.percent($0.expectedShare)) is expected" }
            return skewFinding(
                s, baseline, over: overExpected,
                summary: "Pool \(s.pool) does not split traffic as its weights say: \(detail.joined(separator: "; ")) (\(s.algorithm)), at \(surging ? "a surge of" : "normal") total volume (\(Int(s.rate)) requests/s).",
                evidence: evidence, deliberate: false)
        }
        // Shape 2: the balancer splits exactly as configured, but the configuration moved the split away from the
        // pool's own baseline (a weight typo): the weights' share jumped and the traffic followed.
        guard !surging, baseline.isWarm, s.backends.allSatisfy({ $0.state == .healthy || $0.backup }) else { return nil }
        let overBaseline = active.filter { b in
            guard let usual = baseline.share(of: b.name), let configuredBefore = baseline.configuredShare(of: b.name) else { return false }
            return b.observedShare - usual >= settings.skewExcess && b.observedShare >= settings.skewRatio * usual
                && b.configuredShare - configuredBefore >= settings.skewExcess / 2
        }
        guard !overBaseline.isEmpty else { return nil }
        let evidence = overBaseline.flatMap { b in
            [
                Evidence(signal: "observed_share", backend: b.name, value: b.observedShare, baseline: baseline.share(of: b.name)),
                Evidence(signal: "configured_share", backend: b.name, value: b.configuredShare, baseline: baseline.configuredShare(of: b.name)),
            ]
        }
        let detail = overBaseline.map { b in
            "\(b.name) now gets \(Self.percent(b.observedShare)) of requests, usually \(Self.percent(baseline.share(of: b.name) ?? 0)), because its weight now gives it \(Self.percent(b.configuredShare))"
        }
        return skewFinding(
            s, baseline, over: overBaseline,
            summary: "The configuration of pool \(s.pool) changed its split: \(detail.joined(separator: "; ")). The balancer does what it is told; the weights are the fault.",
            evidence: evidence, deliberate: true)
    }

    private func skewFinding(
        _ s: PoolSignals, _ baseline: PoolBaseline, over: [BackendSignals], summary: String, evidence: [Evidence], deliberate: Bool
    ) -> Finding {
        // Impact decides the severity: the over-share backends slowing or failing pages someone.
        let peers = s.backends.filter { b in !over.contains { $0.name == b.name } && b.responses > 0 }
        let peerP50 = RobustStatistics.median(peers.map(\.p50))
        let hurting = over.contains { b in
            let usual = baseline.p50(of: b.name) ?? peerP50 ?? b.p50
            return b.errorRatio >= 0.02 || (b.responses > 0 && b.p50 >= 2 * usual && b.p50 - usual >= 20)
        }
        var evidence = evidence
        for b in over where b.responses > 0 {
            evidence.append(Evidence(signal: "p50_ms", backend: b.name, value: b.p50, baseline: baseline.p50(of: b.name) ?? peerP50))
        }
        let severity: Severity = hurting ? .page : (deliberate ? .info : .ticket)
        let impact = hurting ? " The over-loaded backend is slowing or failing." : " No impact on latency or errors yet."
        return Finding(diagnosis: .configSkew, severity: severity, backends: over.map(\.name), summary: summary + impact, evidence: evidence)
    }

    // MARK: - backend_errors and backend_degraded

    func backendErrors(_ s: PoolSignals) -> Finding? {
        // A backend the balancer has taken out (down, ejected, draining) is judged by backend_down and its grace: the
        // failures that made the balancer act were retried or are the balancer's to report.
        let judged = s.backends.filter { $0.requests >= settings.minBackendRequests && $0.state == .healthy }
        guard judged.count >= 2 else { return nil }
        for b in judged.sorted(by: { $0.errorRatio > $1.errorRatio }) {
            let peers = judged.filter { $0.name != b.name }
            let peerRatio = RobustStatistics.median(peers.map(\.errorRatio)) ?? 0
            guard b.errorRatio >= settings.errorRatio, b.errorRatio >= settings.errorFactor * peerRatio + 0.02 else { continue }
            return Finding(
                diagnosis: .backendErrors, severity: b.errorRatio >= 0.1 || s.errorRatio >= 0.02 ? .page : .ticket, backends: [b.name],
                summary: "\(b.name) in pool \(s.pool) fails \(Self.percent(b.errorRatio)) of its requests (5xx or no connection); its peers fail \(Self.percent(peerRatio)). The balancer keeps sending it \(Self.percent(b.observedShare)) of the traffic.",
                evidence: [
                    Evidence(signal: "error_ratio", backend: b.name, value: b.errorRatio, baseline: peerRatio),
                    Evidence(signal: "observed_share", backend: b.name, value: b.observedShare, baseline: b.expectedShare),
                ])
        }
        return nil
    }

    func backendDegraded(_ s: PoolSignals) -> Finding? {
        let judged = s.backends.filter { $0.responses >= settings.minBackendRequests && $0.state == .healthy }
        guard judged.count >= 2 else { return nil }
        for b in judged.sorted(by: { $0.p50 > $1.p50 }) {
            let peers = judged.filter { $0.name != b.name }
            guard let peerP50 = RobustStatistics.median(peers.map(\.p50)), let peerP99 = RobustStatistics.median(peers.map(\.p99)) else { continue }
            let slowMedian = b.p50 >= settings.slowFactor * peerP50 && b.p50 - peerP50 >= settings.slowExcessMs
            let slowTail = b.p99 >= settings.slowFactor * peerP99 && b.p99 - peerP99 >= 2 * settings.slowExcessMs
            // A backend that is slow because it gets more than its share is the skew's symptom, not its own fault.
            guard slowMedian || slowTail, b.observedShare <= max(b.expectedShare * 1.2, b.expectedShare + 0.05) else { continue }
            return Finding(
                diagnosis: .backendDegraded, severity: b.p99 >= 1000 || b.errorRatio >= 0.02 ? .page : .ticket, backends: [b.name],
                summary: "\(b.name) in pool \(s.pool) answers in \(Self.ms(b.p50)) at the median and \(Self.ms(b.p99)) at p99; its peers in \(Self.ms(peerP50)) and \(Self.ms(peerP99)). Its share is \(Self.percent(b.observedShare)) (expected \(Self.percent(b.expectedShare))): not over-loaded by the balancer.",
                evidence: [
                    Evidence(signal: "p50_ms", backend: b.name, value: b.p50, baseline: peerP50),
                    Evidence(signal: "p99_ms", backend: b.name, value: b.p99, baseline: peerP99),
                    Evidence(signal: "observed_share", backend: b.name, value: b.observedShare, baseline: b.expectedShare),
                ])
        }
        return nil
    }

    // MARK: - volume

    func isSurging(_ s: PoolSignals, _ baseline: PoolBaseline) -> Bool {
        guard baseline.isWarm, s.requests >= settings.minPoolRequests, let usual = baseline.rate, usual.median > 0 else { return false }
        return s.rate >= settings.surgeFactor * usual.median && s.rate >= usual.median + settings.surgeMADs * usual.mad
    }

    func surge(_ s: PoolSignals, _ baseline: PoolBaseline, _ concentration: ClientConcentration?) -> Finding {
        let usual = baseline.rate?.median ?? 0
        let factor = usual > 0 ? s.rate / usual : 0
        var evidence = [Evidence(signal: "rate", value: s.rate, baseline: usual)]
        let usualP99 = baseline.p99?.median
        let hurting = s.errorRatio >= 0.02 || (usualP99.map { s.p99 >= 2 * $0 && s.p99 - $0 >= 50 } ?? false)
        let impact = hurting
            ? "Users feel it: p99 \(Self.ms(s.p99)) (usually \(Self.ms(usualP99 ?? 0))), errors \(Self.percent(s.errorRatio))."
            : "Latency and errors are still normal (p99 \(Self.ms(s.p99)))."
        let shares = "Traffic is shared as the weights say (Jain \(String(format: "%.2f", s.jainIndex ?? 1)))."
        if let c = concentration {
            evidence.append(Evidence(signal: "top_clients_share", value: c.topClientsShare, baseline: baseline.topClientsShare))
            evidence.append(Evidence(signal: "top_path_share", value: c.topPathShare))
            // Concentrated, and more than usual: a pool that always gets most of its traffic through one CDN or NAT
            // address is not under attack whenever it gets busy.
            let usual = baseline.topClientsShare ?? 0
            if c.topClientsShare >= settings.concentratedShare, c.topClientsShare >= usual + 0.2 {
                let who = c.topClients.prefix(3).map(\.key).joined(separator: ", ")
                let path = c.topPath.map { c.topPathShare >= 0.5 ? " mostly to \($0) (\(Self.percent(c.topPathShare)))" : "" } ?? ""
                return Finding(
                    diagnosis: .attackSuspected, severity: hurting ? .page : .ticket, backends: [],
                    summary: "Pool \(s.pool) gets \(String(format: "%.1f", factor))× its usual volume (\(Int(s.rate)) requests/s, usually \(Int(usual))), and \(Self.percent(c.topClientsShare)) of it comes from a few clients (\(who))\(path). \(shares) \(impact)",
                    evidence: evidence)
            }
        }
        let crowd = concentration.map { " from many clients (the heaviest few send \(Self.percent($0.topClientsShare)))" } ?? ""
        return Finding(
            diagnosis: .trafficSurge, severity: hurting ? .page : .info, backends: [],
            summary: "Pool \(s.pool) gets \(String(format: "%.1f", factor))× its usual volume (\(Int(s.rate)) requests/s, usually \(Int(usual)))\(crowd). \(shares) \(impact)",
            evidence: evidence)
    }

    func sharedSlowdown(_ s: PoolSignals, _ baseline: PoolBaseline) -> Finding? {
        guard baseline.isWarm, s.requests >= settings.minPoolRequests, let usual = baseline.p50?.median, usual > 0 else { return nil }
        guard s.p50 >= settings.slowFactor * usual, s.p50 - usual >= settings.slowExcessMs else { return nil }
        let judged = s.backends.filter { $0.responses >= settings.minBackendRequests }
        guard judged.count >= 2 else { return nil }
        let allSlower = judged.allSatisfy { b in
            let own = baseline.p50(of: b.name) ?? usual
            return b.p50 >= 2 * own
        }
        guard allSlower else { return nil }
        return Finding(
            diagnosis: .sharedSlowdown, severity: s.p99 >= 1000 || s.errorRatio >= 0.02 ? .page : .ticket, backends: judged.map(\.name),
            summary: "Every backend of pool \(s.pool) is slower together: median \(Self.ms(s.p50)), usually \(Self.ms(usual)); volume is normal (\(Int(s.rate)) requests/s). Look at what they share (the database).",
            evidence: [Evidence(signal: "p50_ms", value: s.p50, baseline: usual), Evidence(signal: "rate", value: s.rate, baseline: baseline.rate?.median)]
                + judged.map { Evidence(signal: "p50_ms", backend: $0.name, value: $0.p50, baseline: baseline.p50(of: $0.name)) })
    }

    // MARK: - words

    static func percent(_ share: Double) -> String {
        let value = share * 100
        return value < 10 && value != 0 ? String(format: "%.1f%%", value) : String(format: "%.0f%%", value)
    }

    static func ms(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.0f ms", value)
    }
}
