/// One change to an incident the tracker made, with what kind of change it was, so the engine tells people of
/// openings, escalations and resolutions, and not of evidence that merely moved.
public struct IncidentChange: Sendable, Equatable {
    /// What changed.
    public enum Kind: String, Sendable {
        /// It opened.
        case opened
        /// Its diagnosis changed or its severity rose.
        case escalated
        /// Its evidence or backends moved.
        case updated
        /// Its signals have been normal for the resolve delay.
        case resolved
    }

    /// The incident after the change.
    public var incident: Incident
    public var kind: Kind
}
