/// Where an application is in the hiring pipeline.
///
/// Employers move an application forward one step at a time
/// (`submitted → reviewed → interviewing → offered → hired`) or reject it at any open step;
/// the seeker may withdraw it while it is open.
public enum ApplicationStatus: String, Codable, Sendable, CaseIterable {
    case submitted
    case reviewed
    case interviewing
    case offered
    case hired
    case rejected
    case withdrawn

    /// No further change is possible.
    public var isFinal: Bool {
        switch self {
        case .hired, .rejected, .withdrawn: true
        default: false
        }
    }

    /// The statuses an employer may move an application to from this one.
    public var employerTransitions: [ApplicationStatus] {
        switch self {
        case .submitted: [.reviewed, .rejected]
        case .reviewed: [.interviewing, .rejected]
        case .interviewing: [.offered, .rejected]
        case .offered: [.hired, .rejected]
        case .hired, .rejected, .withdrawn: []
        }
    }
}
