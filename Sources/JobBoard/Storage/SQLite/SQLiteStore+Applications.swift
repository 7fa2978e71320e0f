import Foundation
import GRDB

extension SQLiteStore {
    public func createApplication(jobID: Int64, seekerID: Int64, coverNote: String, resumeURL: String, at now: Date)
        async throws -> JobApplication
    {
        do {
            return try await write { db in
                try db.execute(
                    sql: """
                        INSERT INTO applications (job_id, seeker_id, cover_note, resume_url, status, created_at, updated_at)
                        VALUES (?, ?, ?, ?, 'submitted', ?, ?)
                        """,
                    arguments: [jobID, seekerID, coverNote, resumeURL, now.timeIntervalSince1970, now.timeIntervalSince1970])
                return JobApplication(
                    id: db.lastInsertedRowID, jobID: jobID, seekerID: seekerID, coverNote: coverNote,
                    resumeURL: resumeURL, status: .submitted, createdAt: now, updatedAt: now)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw JobBoardError.conflict("you have already applied to job \(jobID)")
        }
    }

    public func application(id: Int64) async throws -> JobApplication? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM applications WHERE id = ?", arguments: [id]).map(Self.application(from:))
        }
    }

    public func applications(jobID: Int64) async throws -> [JobApplication] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM applications WHERE job_id = ? ORDER BY id", arguments: [jobID])
                .map(Self.application(from:))
        }
    }

    public func applications(seekerID: Int64) async throws -> [JobApplication] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM applications WHERE seeker_id = ? ORDER BY created_at DESC, id DESC",
                arguments: [seekerID]
            ).map(Self.application(from:))
        }
    }

    public func setApplicationStatus(id: Int64, to status: ApplicationStatus, at now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE applications SET status = ?, updated_at = ? WHERE id = ?",
                arguments: [status.rawValue, now.timeIntervalSince1970, id])
        }
    }

    public func applicationCounts(employerID: Int64) async throws -> [Int64: Int] {
        try await read { db in
            var counts: [Int64: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT a.job_id, COUNT(*) AS n FROM applications a JOIN jobs j ON j.id = a.job_id
                    WHERE j.employer_id = ? GROUP BY a.job_id
                    """, arguments: [employerID])
            {
                counts[row["job_id"]] = row["n"]
            }
            return counts
        }
    }

    static func application(from row: Row) -> JobApplication {
        JobApplication(
            id: row["id"], jobID: row["job_id"], seekerID: row["seeker_id"], coverNote: row["cover_note"],
            resumeURL: row["resume_url"], status: ApplicationStatus(rawValue: row["status"]) ?? .submitted,
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}
