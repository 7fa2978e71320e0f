/// Who reads a notification: the network operations centre, which sees what users feel and must tell an attack from
/// everything else, or the engineers who own the balancer and the replicas and need the evidence and the commands.
public enum Audience: String, Sendable, Codable, CaseIterable {
    case noc
    case engineering
}
