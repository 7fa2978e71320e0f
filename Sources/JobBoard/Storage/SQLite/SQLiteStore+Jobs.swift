import Foundation
import GRDB

extension SQLiteStore {
    public func createJob(employerID: Int64, content: JobDraft, at now: Date) async throws -> Job {
        try await write { db in
            var job = Job(
                id: 0, employerID: employerID, content: content, status: .draft, createdAt: now, updatedAt: now,
                publishedAt: nil, expiresAt: nil)
            try Self.insert(job, db: db)
            job.id = db.lastInsertedRowID
            try Self.replaceTags(of: job, db: db, fresh: true)
            return job
        }
    }

    public func job(id: Int64) async throws -> Job? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job(from:))
        }
    }

    public func saveJob(_ job: Job) async throws {
        try await write { db in
            let content = job.content
            try db.execute(
                sql: """
                    UPDATE jobs SET title = ?, company = ?, description = ?, city = ?, region = ?, country = ?,
                        workplace = ?, employment_type = ?, salary_min = ?, salary_max = ?, salary_currency = ?,
                        salary_period = ?, salary_year = ?, tags = ?, apply_url = ?, status = ?, updated_at = ?,
                        published_at = ?, expires_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    content.title, content.company, content.description, content.location.city,
                    content.location.region, content.location.country, content.workplace.rawValue,
                    content.employmentType.rawValue, content.salary?.min, content.salary?.max,
                    content.salary?.currency, content.salary?.period.rawValue, content.salary?.annualCeiling ?? -1,
                    JobRowFields.joinedTags(content.tags), content.applyURL, job.status.rawValue,
                    job.updatedAt.timeIntervalSince1970, job.publishedAt?.timeIntervalSince1970,
                    job.expiresAt?.timeIntervalSince1970, job.id,
                ])
            try Self.replaceTags(of: job, db: db)
        }
    }

    public func jobs(employerID: Int64) async throws -> [Job] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM jobs WHERE employer_id = ? ORDER BY created_at DESC, id DESC",
                arguments: [employerID]
            ).map(Self.job(from:))
        }
    }

    public func insertJobs(_ jobs: [Job]) async throws {
        try await write { db in
            for job in jobs {
                try Self.insert(job, db: db, keepingID: job.id > 0)
                var stored = job
                if job.id <= 0 { stored.id = db.lastInsertedRowID }
                try Self.replaceTags(of: stored, db: db, fresh: true)
            }
        }
    }

    public func jobCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") ?? 0 }
    }

    public func search(_ search: JobSearch, at now: Date) async throws -> JobSearchPage {
        let query = Self.searchQuery(search, now: now)
        let rows = try await read { db in
            try Row.fetchAll(db, sql: query.sql, arguments: StatementArguments(query.arguments)).map {
                (Self.job(from: $0), $0["sort_key"] as Double)
            }
        }
        return SearchPaging.page(rows, search: search)
    }

    /// Builds the search as one statement: the live-job filters, the text match and the keyset condition.
    static func searchQuery(_ search: JobSearch, now: Date) -> (sql: String, arguments: [DatabaseValue]) {
        var conditions = ["j.status = 'published'", "(j.expires_at IS NULL OR j.expires_at > ?)"]
        var arguments: [DatabaseValue] = [now.timeIntervalSince1970.databaseValue]
        if let workplace = search.workplace {
            conditions.append("j.workplace = ?")
            arguments.append((workplace.rawValue).databaseValue)
        }
        if let type = search.employmentType {
            conditions.append("j.employment_type = ?")
            arguments.append((type.rawValue).databaseValue)
        }
        if let country = search.country {
            conditions.append("j.country = ?")
            arguments.append((country.uppercased()).databaseValue)
        }
        if let city = search.city {
            conditions.append("j.city = ? COLLATE NOCASE")
            arguments.append((city).databaseValue)
        }
        if let minimum = search.minimumYearlySalary {
            conditions.append("j.salary_year >= ?")
            arguments.append((minimum).databaseValue)
        }
        if let currency = search.currency {
            conditions.append("j.salary_currency = ?")
            arguments.append((currency.uppercased()).databaseValue)
        }
        for tag in search.tags {
            conditions.append("j.id IN (SELECT job_id FROM job_tags WHERE tag = ?)")
            arguments.append((tag.lowercased()).databaseValue)
        }
        if let days = search.postedWithinDays {
            conditions.append("j.published_at >= ?")
            arguments.append((now.timeIntervalSince1970 - Double(days) * 86_400).databaseValue)
        }

        let sort = search.effectiveSort
        let terms = search.searchTerms
        var from = "jobs j"
        let sortKey: String
        switch sort {
        case .newest: sortKey = "j.published_at"
        case .salary: sortKey = "j.salary_year"
        case .relevance: sortKey = "bm25(jobs_fts, 10.0, 4.0, 1.0, 6.0)"
        }
        if let terms {
            from = "jobs_fts JOIN jobs j ON j.id = jobs_fts.rowid"
            conditions.append("jobs_fts MATCH ?")
            arguments.append((terms.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: " ")).databaseValue)
        }
        // bm25 is lower for better matches, so relevance ascends; the others descend.
        let direction = sort == .relevance ? "ASC" : "DESC"
        var inner = "SELECT j.*, \(sortKey) AS sort_key FROM \(from) WHERE \(conditions.joined(separator: " AND "))"
        var outerCondition = ""
        if let cursor = search.after {
            let comparison = sort == .relevance ? ">" : "<"
            outerCondition = "WHERE (sort_key \(comparison) ? OR (sort_key = ? AND id < ?))"
            arguments.append(contentsOf: [cursor.key.databaseValue, cursor.key.databaseValue, cursor.id.databaseValue])
        }
        if sort != .relevance && search.after == nil {
            // Lets SQLite walk the (status, key, id) index and stop after a page.
            inner += " ORDER BY \(sortKey) DESC, j.id DESC"
        }
        let sql = """
            SELECT * FROM (\(inner)) \(outerCondition)
            ORDER BY sort_key \(direction), id DESC LIMIT ?
            """
        arguments.append((search.limit + 1).databaseValue)
        return (sql, arguments)
    }

    static func insert(_ job: Job, db: Database, keepingID: Bool = false) throws {
        let content = job.content
        try db.execute(
            sql: """
                INSERT INTO jobs (\(keepingID ? "id, " : "")employer_id, title, company, description, city, region, country,
                    workplace, employment_type, salary_min, salary_max, salary_currency, salary_period, salary_year,
                    tags, apply_url, status, created_at, updated_at, published_at, expires_at)
                VALUES (\(keepingID ? "?, " : "")?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: StatementArguments(
                (keepingID ? [job.id.databaseValue] : []) + ([
                    job.employerID, content.title, content.company, content.description, content.location.city,
                    content.location.region, content.location.country, content.workplace.rawValue,
                    content.employmentType.rawValue, content.salary?.min, content.salary?.max,
                    content.salary?.currency, content.salary?.period.rawValue, content.salary?.annualCeiling ?? -1,
                    JobRowFields.joinedTags(content.tags), content.applyURL, job.status.rawValue,
                    job.createdAt.timeIntervalSince1970, job.updatedAt.timeIntervalSince1970,
                    job.publishedAt?.timeIntervalSince1970, job.expiresAt?.timeIntervalSince1970,
                ] as [(any DatabaseValueConvertible)?]).map { $0?.databaseValue ?? .null }))
    }

    /// Writes the job's tag rows; `fresh` jobs have none to delete yet.
    static func replaceTags(of job: Job, db: Database, fresh: Bool = false) throws {
        if !fresh { try db.execute(sql: "DELETE FROM job_tags WHERE job_id = ?", arguments: [job.id]) }
        for tag in job.content.tags {
            try db.execute(sql: "INSERT OR IGNORE INTO job_tags (tag, job_id) VALUES (?, ?)", arguments: [tag, job.id])
        }
    }

    static func job(from row: Row) -> Job {
        let currency: String? = row["salary_currency"]
        let period: String? = row["salary_period"]
        let salary = currency.map {
            Salary(
                min: row["salary_min"], max: row["salary_max"], currency: $0,
                period: period.flatMap(Salary.Period.init(rawValue:)) ?? .year)
        }
        let content = JobDraft(
            title: row["title"], company: row["company"], description: row["description"],
            location: Location(city: row["city"], region: row["region"], country: row["country"]),
            workplace: Workplace(rawValue: row["workplace"]) ?? .onsite,
            employmentType: EmploymentType(rawValue: row["employment_type"]) ?? .other, salary: salary,
            tags: JobRowFields.splitTags(row["tags"]), applyURL: row["apply_url"])
        let publishedAt: Double? = row["published_at"]
        let expiresAt: Double? = row["expires_at"]
        return Job(
            id: row["id"], employerID: row["employer_id"], content: content,
            status: JobStatus(rawValue: row["status"]) ?? .draft,
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            publishedAt: publishedAt.map(Date.init(timeIntervalSince1970:)),
            expiresAt: expiresAt.map(Date.init(timeIntervalSince1970:)))
    }
}
