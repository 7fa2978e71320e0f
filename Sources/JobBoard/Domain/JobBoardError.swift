/// What went wrong in a job-board operation, in domain terms; the HTTP layer maps it to a problem response.
public enum JobBoardError: Error, CustomStringConvertible, Equatable {
    /// Input failed validation; each issue names the field it concerns.
    case invalid([FieldIssue])
    /// The thing does not exist, or the caller may not know it exists.
    case notFound(String)
    /// The caller is known but may not do this.
    case forbidden(String)
    /// No or bad credentials.
    case unauthenticated(String)
    /// The request conflicts with the current state (applying twice, an email already registered).
    case conflict(String)
    /// A lifecycle step that is not allowed from the current state.
    case invalidTransition(String)
    /// The job is no longer open.
    case jobClosed(String)

    public var description: String {
        switch self {
        case .invalid(let issues): issues.map(\.description).joined(separator: "; ")
        case .notFound(let what): what
        case .forbidden(let why): why
        case .unauthenticated(let why): why
        case .conflict(let why): why
        case .invalidTransition(let why): why
        case .jobClosed(let why): why
        }
    }
}

/// One problem with one input field, named by its JSON path (e.g. `salary.currency`).
public struct FieldIssue: Codable, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
