/// A fault a drill injects, and what Watch must call it: the postmortem's outage and its look-alikes.
public enum DrillScenario: String, Sendable, Codable, CaseIterable {
    /// The pool switched to hashing on the source address while clients arrive through one address (a NAT).
    case skewHash = "skew-hash"
    /// One backend's weight raised enough to overload it, not enough for the reload gate to refuse it.
    case skewWeight = "skew-weight"
    /// Five times the traffic from many clients.
    case surge
    /// Five times the traffic from a handful of clients on one path.
    case attack
    /// One replica 200 ms slower.
    case degraded
    /// One replica failing 20 % of requests with 500.
    case errors
    /// One replica killed.
    case down
    /// Every replica slower together.
    case sharedSlowdown = "shared-slowdown"
    /// Nothing injected: no incident may open.
    case clean

    /// The diagnosis Watch must give; nil for `clean`, where none may be given.
    public var expected: String? {
        switch self {
        case .skewHash, .skewWeight: "config_skew"
        case .surge: "traffic_surge"
        case .attack: "attack_suspected"
        case .degraded: "backend_degraded"
        case .errors: "backend_errors"
        case .down: "backend_down"
        case .sharedSlowdown: "shared_slowdown"
        case .clean: nil
        }
    }

    /// The backend the fault is on, when it is on one.
    public var backend: String? {
        switch self {
        case .degraded, .errors: "replica-2"
        case .down: "replica-3"
        case .skewWeight: "replica-2"
        default: nil
        }
    }

    /// What is done, in words.
    public var fault: String {
        switch self {
        case .skewHash: "the pool reloaded to hash on the source address, every client behind one address (a NAT)"
        case .skewWeight: "replica-2's weight raised to 3 and reloaded"
        case .surge: "4× the base rate added from 50 more client addresses (5× in all)"
        case .attack: "4× the base rate added from 3 other client addresses on one search path"
        case .degraded: "replica-2 answers 200 ms slower"
        case .errors: "replica-2 fails 20 % of requests with 500"
        case .down: "replica-3 killed (SIGKILL)"
        case .sharedSlowdown: "every replica answers 150 ms slower"
        case .clean: "nothing"
        }
    }
}
