import Foundation

/// What Watch says an incident is: one cause, chosen from the evidence, each with its runbook section.
public enum Diagnosis: String, Sendable, Codable, CaseIterable {
    /// At normal total volume, traffic concentrates on one or few backends because of how the balancer is set.
    case configSkew = "config_skew"
    /// Volume well above baseline from many clients, shared as intended.
    case trafficSurge = "traffic_surge"
    /// Volume above baseline concentrated on few clients or one path, shared as intended.
    case attackSuspected = "attack_suspected"
    /// One backend far slower than its peers.
    case backendDegraded = "backend_degraded"
    /// One backend failing far more than its peers.
    case backendErrors = "backend_errors"
    /// A backend down or ejected.
    case backendDown = "backend_down"
    /// Every backend slower together (a shared dependency), at normal volume.
    case sharedSlowdown = "shared_slowdown"
    /// Watch cannot read a source.
    case targetUnreachable = "target_unreachable"

    /// The section of `docs/runbooks/watch.md` for this diagnosis.
    public var runbook: String { "docs/runbooks/watch.md#\(rawValue.replacingOccurrences(of: "_", with: "-"))" }

    /// Words for people: what the diagnosis means.
    public var title: String {
        switch self {
        case .configSkew: "Load balancer configuration skews traffic"
        case .trafficSurge: "Traffic surge"
        case .attackSuspected: "Suspected attack: traffic from few sources"
        case .backendDegraded: "One backend is slow"
        case .backendErrors: "One backend is failing requests"
        case .backendDown: "A backend is down"
        case .sharedSlowdown: "Every backend is slower"
        case .targetUnreachable: "Watch cannot read a source"
        }
    }
}
