/// Why a person's action on an incident was refused.
public enum IncidentActionError: Error, CustomStringConvertible, Equatable {
    /// No incident has that id.
    case notFound(id: Int64)
    /// It is resolved already: it can take notes, not acknowledgements or resolves.
    case alreadyResolved(id: Int64)
    /// Somebody took it already.
    case alreadyAcknowledged(id: Int64, by: String)
    /// A note with no words.
    case emptyNote
    /// A note longer than the limit, in characters.
    case noteTooLong(limit: Int)
    /// The store failed; nothing changed.
    case storage(String)
    /// Watch cannot roll this incident back: not a skew, no change linked, a change not seen on an Evenkeel
    /// balancer (HAProxy and nginx are restored with their own tooling), or no rollback configured.
    case cannotRollBack(id: Int64, reason: String)

    public var description: String {
        switch self {
        case .notFound(let id): "no incident \(id)"
        case .alreadyResolved(let id): "incident \(id) is resolved already"
        case .alreadyAcknowledged(let id, let by): "incident \(id) is acknowledged already, by \(by)"
        case .emptyNote: "the note is empty"
        case .noteTooLong(let limit): "the note is longer than \(limit) characters"
        case .storage(let reason): "the incident store failed: \(reason)"
        case .cannotRollBack(let id, let reason): "incident \(id) cannot be rolled back: \(reason)"
        }
    }
}
