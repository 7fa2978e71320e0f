import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// A posting as the API returns it.
public struct JobResource: ResponseCodable, Sendable {
    public var id: Int64
    public var title: String
    public var company: String
    public var description: String
    public var location: Location
    public var workplace: Workplace
    public var employmentType: EmploymentType
    public var salary: Salary?
    public var tags: [String]
    public var applyURL: String?
    /// draft, published, expired, closed or unpublished.
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date
    public var publishedAt: Date?
    public var expiresAt: Date?
    /// The human page for the job.
    public var url: String

    enum CodingKeys: String, CodingKey {
        case id, title, company, description, location, workplace, salary, tags, status, url
        case employmentType = "employment_type"
        case applyURL = "apply_url"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case publishedAt = "published_at"
        case expiresAt = "expires_at"
    }

    public init(_ job: Job, now: Date) {
        self.id = job.id
        self.title = job.content.title
        self.company = job.content.company
        self.description = job.content.description
        self.location = job.content.location
        self.workplace = job.content.workplace
        self.employmentType = job.content.employmentType
        self.salary = job.content.salary
        self.tags = job.content.tags
        self.applyURL = job.content.applyURL
        self.status = job.displayStatus(at: now)
        self.createdAt = job.createdAt
        self.updatedAt = job.updatedAt
        self.publishedAt = job.publishedAt
        self.expiresAt = job.expiresAt
        self.url = "/jobs/\(job.id)"
    }
}

/// One page of search results.
public struct JobListResource: ResponseCodable, Sendable {
    public var jobs: [JobResource]
    /// Pass as `cursor` for the next page; absent on the last page.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case jobs
        case nextCursor = "next_cursor"
    }
}
