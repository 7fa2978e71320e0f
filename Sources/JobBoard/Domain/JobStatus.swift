/// Where a posting is in its life. Expiry is not a stored status: a published job whose
/// `expiresAt` has passed is expired (see ``Job/isExpired(at:)``), so no sweeper is needed.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    /// Being written; only its employer sees it.
    case draft
    /// Visible to everyone until it expires.
    case published
    /// Filled or withdrawn by the employer.
    case closed
    /// Taken down by a moderator (spam, abuse).
    case unpublished
}
