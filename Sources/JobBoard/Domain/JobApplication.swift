import Foundation

/// A seeker's application to one job. A seeker applies at most once per job.
public struct JobApplication: Codable, Sendable, Equatable {
    public var id: Int64
    public var jobID: Int64
    public var seekerID: Int64
    public var coverNote: String
    public var resumeURL: String
    public var status: ApplicationStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, jobID: Int64, seekerID: Int64, coverNote: String, resumeURL: String, status: ApplicationStatus,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.jobID = jobID
        self.seekerID = seekerID
        self.coverNote = coverNote
        self.resumeURL = resumeURL
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
