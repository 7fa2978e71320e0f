import Distribution
import Foundation

/// What a live check saw: each backend's observed share next to its intended one, the largest
/// observed/intended ratio, a chi-square goodness-of-fit test, and the verdict.
///
/// Encodes as JSON with snake_case keys (`--format json`); ``text`` is the rendering for people.
public struct LiveCheckResult: Codable, Sendable, Equatable {
    /// Where a backend stands against the intended set.
    public enum Standing: String, Codable, Sendable, Equatable {
        /// In the intended set, with a positive weight, and it answered.
        case intended
        /// In the intended set with a positive weight, but it answered none of the probes.
        case silent
        /// Answered, but it is not in the intended set (or its intended weight is zero).
        case unexpected
        /// In the intended set with weight zero and, as intended, answered nothing.
        case idle
    }

    /// One backend's numbers.
    public struct Backend: Codable, Sendable, Equatable {
        /// The name in the backend header.
        public var name: String
        /// Responses that named it.
        public var responses: Int
        /// Its part of the attributed responses, 0...1.
        public var observedShare: Double
        /// Its part by the intended weights, 0...1 (0 for backends outside the intended set).
        public var intendedShare: Double
        /// observed / intended; nil when the intended share is zero.
        public var ratio: Double?
        /// Where it stands against the intended set.
        public var standing: Standing

        enum CodingKeys: String, CodingKey {
            case name, responses, ratio, standing
            case observedShare = "observed_share"
            case intendedShare = "intended_share"
        }
    }

    /// Pass or fail.
    public enum Verdict: String, Codable, Sendable, Equatable {
        /// Every intended backend's share is within the tolerance and nothing else answered.
        case pass
        /// See ``LiveCheckResult/problems``.
        case fail
    }

    /// The URL probed.
    public var target: String
    /// Probe requests sent.
    public var probes: Int
    /// Probes that got an HTTP response (any status).
    public var responses: Int
    /// Responses that named a backend in one of the backend headers.
    public var attributed: Int
    /// Responses without a backend header (e.g. answered by the balancer itself, or a header not configured).
    public var unattributed: Int
    /// Probes that got no response, by reason (connect, timeout, reset, …).
    public var failures: [String: Int]
    /// Responses by status code.
    public var statuses: [String: Int]
    /// Every backend that answered or was intended, by name.
    public var backends: [Backend]
    /// Backends that answered but were not meant to get traffic.
    public var unexpectedBackends: [String]
    /// Backends meant to get traffic that answered nothing.
    public var silentBackends: [String]
    /// The largest observed/intended share over the intended backends; nil without attributed responses.
    public var maxShareRatio: Double?
    /// The ratio above which the check fails.
    public var tolerance: Double
    /// Pearson's statistic over the intended backends; nil with fewer than two of them or no responses.
    public var chiSquare: Double?
    /// Intended backends with a positive share, minus one.
    public var degreesOfFreedom: Int
    /// P(χ² ≥ statistic) if traffic were shared as intended: small means the spread is unlikely to be
    /// chance. Reported, not a verdict on its own.
    public var pValue: Double?
    /// Pass or fail.
    public var verdict: Verdict
    /// Why it failed, one sentence each; empty when it passed.
    public var problems: [String]
    /// Things to know when reading the numbers (e.g. hashing on the client address).
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case target, probes, responses, attributed, unattributed, failures, statuses, backends, tolerance, verdict, problems, notes
        case unexpectedBackends = "unexpected_backends"
        case silentBackends = "silent_backends"
        case maxShareRatio = "max_share_ratio"
        case chiSquare = "chi_square"
        case degreesOfFreedom = "degrees_of_freedom"
        case pValue = "p_value"
    }

    /// Judges counts against intended weights.
    ///
    /// - Parameters:
    ///   - counts: responses per backend name.
    ///   - intended: backend name → weight; shares are weight / total of the positive weights.
    ///   - tolerance: the largest acceptable observed/intended ratio (e.g. 1.2: no backend above 120% of its share).
    public init(
        target: String, probes: Int, counts: [String: Int], unattributed: Int, failures: [String: Int] = [:],
        statuses: [String: Int] = [:], intended: [String: Double], tolerance: Double, notes: [String] = []
    ) {
        let comparison = ShareComparison(counts: counts, intended: IntendedShares(weights: intended))
        let attributed = comparison.total
        let backends = comparison.entries.map { entry in
            let standing: Standing =
                entry.intendedShare > 0 ? (entry.count > 0 ? .intended : .silent) : (entry.count > 0 ? .unexpected : .idle)
            return Backend(
                name: entry.name, responses: entry.count, observedShare: entry.observedShare, intendedShare: entry.intendedShare,
                ratio: entry.ratio, standing: standing)
        }
        let unexpected = backends.filter { $0.standing == .unexpected }
        let silent = backends.filter { $0.standing == .silent }
        let weighted = backends.filter { $0.intendedShare > 0 }

        var problems: [String] = []
        if attributed == 0 {
            problems.append(
                unattributed == 0
                    ? "no probe got a response"
                    : "none of the \(unattributed) responses named a backend; is the backend header configured?")
        } else {
            let over = weighted.filter { ($0.ratio ?? 0) > tolerance }
            if let worst = over.max(by: { ($0.ratio ?? 0) < ($1.ratio ?? 0) }) {
                problems.append(
                    "\(worst.name) got \(Percent(worst.observedShare)) of responses against an intended \(Percent(worst.intendedShare)) "
                        + "(×\(Self.ratioText(worst.ratio ?? 0)), tolerance ×\(Self.ratioText(tolerance)))")
            }
            if !unexpected.isEmpty {
                let count = unexpected.reduce(0) { $0 + $1.responses }
                problems.append(
                    "\(count) responses came from backends not meant to get traffic: \(unexpected.map(\.name).joined(separator: ", "))")
            }
            if !silent.isEmpty {
                problems.append("intended backends answered none of the probes: \(silent.map(\.name).joined(separator: ", "))")
            }
        }

        self.target = target
        self.probes = probes
        self.responses = attributed + unattributed
        self.attributed = attributed
        self.unattributed = unattributed
        self.failures = failures
        self.statuses = statuses
        self.backends = backends
        self.unexpectedBackends = unexpected.map(\.name)
        self.silentBackends = silent.map(\.name)
        self.maxShareRatio = comparison.maxRatio
        self.tolerance = tolerance
        // The test asks whether the responses that reached intended backends are spread by weight; those that
        // went elsewhere are reported (and fail the check) on their own.
        self.chiSquare = comparison.chiSquare
        self.degreesOfFreedom = comparison.degreesOfFreedom
        self.pValue = comparison.pValue
        self.verdict = problems.isEmpty ? .pass : .fail
        self.problems = problems
        self.notes = notes
    }

    static func ratioText(_ ratio: Double) -> String {
        ratio.isFinite ? String(format: "%.2f", ratio) : "∞"
    }
}
