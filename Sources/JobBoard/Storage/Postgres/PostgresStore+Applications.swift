import Foundation
import PostgresNIO

extension PostgresStore {
    public func createApplication(jobID: Int64, seekerID: Int64, coverNote: String, resumeURL: String, at now: Date)
        async throws -> JobApplication
    {
        let rows = try await run(
            """
            INSERT INTO applications (job_id, seeker_id, cover_note, resume_url, status, created_at, updated_at)
            VALUES (\(jobID), \(seekerID), \(coverNote), \(resumeURL), 'submitted', \(now.timeIntervalSince1970), \(now.timeIntervalSince1970))
            RETURNING id
            """, conflict: "you have already applied to job \(jobID)")
        return JobApplication(
            id: try rows[0].value("id"), jobID: jobID, seekerID: seekerID, coverNote: coverNote, resumeURL: resumeURL,
            status: .submitted, createdAt: now, updatedAt: now)
    }

    public func application(id: Int64) async throws -> JobApplication? {
        try await rows("SELECT * FROM applications WHERE id = \(id)").first.map(Self.application(from:))
    }

    public func applications(jobID: Int64) async throws -> [JobApplication] {
        try await rows("SELECT * FROM applications WHERE job_id = \(jobID) ORDER BY id").map(Self.application(from:))
    }

    public func applications(seekerID: Int64) async throws -> [JobApplication] {
        try await rows("SELECT * FROM applications WHERE seeker_id = \(seekerID) ORDER BY created_at DESC, id DESC")
            .map(Self.application(from:))
    }

    public func setApplicationStatus(id: Int64, to status: ApplicationStatus, at now: Date) async throws {
        _ = try await run(
            "UPDATE applications SET status = \(status.rawValue), updated_at = \(now.timeIntervalSince1970) WHERE id = \(id)")
    }

    public func applicationCounts(employerID: Int64) async throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for row in try await rows(
            """
            SELECT a.job_id, count(*) AS n FROM applications a JOIN jobs j ON j.id = a.job_id
            WHERE j.employer_id = \(employerID) GROUP BY a.job_id
            """)
        {
            counts[try row.value("job_id")] = Int(try row.value("n", as: Int64.self))
        }
        return counts
    }

    static func application(from row: PostgresRandomAccessRow) throws -> JobApplication {
        JobApplication(
            id: try row.value("id"), jobID: try row.value("job_id"), seekerID: try row.value("seeker_id"),
            coverNote: try row.value("cover_note"), resumeURL: try row.value("resume_url"),
            status: ApplicationStatus(rawValue: try row.value("status")) ?? .submitted,
            createdAt: Date(timeIntervalSince1970: try row.value("created_at")),
            updatedAt: Date(timeIntervalSince1970: try row.value("updated_at")))
    }
}
