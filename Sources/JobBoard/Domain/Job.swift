import Foundation

/// A job posting with its lifecycle.
public struct Job: Codable, Sendable, Equatable {
    public var id: Int64
    public var employerID: Int64
    public var content: JobDraft
    public var status: JobStatus
    public var createdAt: Date
    public var updatedAt: Date
    public var publishedAt: Date?
    public var expiresAt: Date?

    public init(
        id: Int64, employerID: Int64, content: JobDraft, status: JobStatus, createdAt: Date, updatedAt: Date,
        publishedAt: Date?, expiresAt: Date?
    ) {
        self.id = id
        self.employerID = employerID
        self.content = content
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.publishedAt = publishedAt
        self.expiresAt = expiresAt
    }

    /// A published posting past its expiry date.
    public func isExpired(at now: Date) -> Bool {
        status == .published && (expiresAt.map { $0 <= now } ?? false)
    }

    /// Whether anyone may see it and apply: published and not expired.
    public func isLive(at now: Date) -> Bool {
        status == .published && !isExpired(at: now)
    }

    /// The status a person reads: `expired` for a published job past its date.
    public func displayStatus(at now: Date) -> String {
        isExpired(at: now) ? "expired" : status.rawValue
    }
}
