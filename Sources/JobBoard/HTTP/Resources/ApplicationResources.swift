import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// An application as the API returns it.
public struct ApplicationResource: ResponseCodable, Sendable {
    public var id: Int64
    public var jobID: Int64
    public var seekerID: Int64
    public var coverNote: String
    public var resumeURL: String
    public var status: ApplicationStatus
    public var createdAt: Date
    public var updatedAt: Date
    /// The job's title, when listed for a seeker.
    public var jobTitle: String?

    enum CodingKeys: String, CodingKey {
        case id, status
        case jobID = "job_id"
        case seekerID = "seeker_id"
        case coverNote = "cover_note"
        case resumeURL = "resume_url"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case jobTitle = "job_title"
    }

    public init(_ application: JobApplication, jobTitle: String? = nil) {
        self.id = application.id
        self.jobID = application.jobID
        self.seekerID = application.seekerID
        self.coverNote = application.coverNote
        self.resumeURL = application.resumeURL
        self.status = application.status
        self.createdAt = application.createdAt
        self.updatedAt = application.updatedAt
        self.jobTitle = jobTitle
    }
}

/// A list of applications.
public struct ApplicationListResource: ResponseCodable, Sendable {
    public var applications: [ApplicationResource]
}

/// Input to apply for a job.
public struct ApplicationInput: Codable, Sendable {
    public var coverNote: String?
    public var resumeURL: String

    enum CodingKeys: String, CodingKey {
        case coverNote = "cover_note"
        case resumeURL = "resume_url"
    }
}

/// Input to move an application along its pipeline.
public struct ApplicationStatusInput: Codable, Sendable {
    public var status: ApplicationStatus
}
