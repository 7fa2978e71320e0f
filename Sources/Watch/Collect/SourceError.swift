/// Why a source could not be read this time. Watch records it (a source that keeps failing is a
/// `target_unreachable` incident) and never stops for it.
public enum SourceError: Error, CustomStringConvertible, Equatable {
    /// No connection, or no answer within the poll timeout.
    case unreachable(url: String, reason: String)
    /// An answer other than 200.
    case status(url: String, code: Int)
    /// An answer larger than Watch accepts from a source.
    case tooLarge(url: String, limit: Int)
    /// An answer that is not the document expected.
    case malformed(url: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "\(url): unreachable: \(reason)"
        case .status(let url, let code): "\(url): answered HTTP \(code)"
        case .tooLarge(let url, let limit): "\(url): answer larger than \(limit) bytes, refused"
        case .malformed(let url, let reason): "\(url): not a valid document: \(reason)"
        }
    }
}
