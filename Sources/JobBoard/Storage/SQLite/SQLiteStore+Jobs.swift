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
        let rows = try await read { db in
            let query = Self.searchQuery(search, now: now, commonWords: try Self.allWordsAreCommon(search, db: db))
            // Two steps in one read transaction: the page's ids and sort keys from the narrow rows, then those jobs.
            let keys = try Row.fetchAll(db, sql: query.sql, arguments: StatementArguments(query.arguments)).map {
                (id: $0["id"] as Int64, key: $0["sort_key"] as Double)
            }
            guard !keys.isEmpty else { return [(Job, Double)]() }
            let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ",")
            var jobs: [Int64: Job] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM jobs WHERE id IN (\(placeholders))", arguments: StatementArguments(keys.map(\.id)))
            {
                let job = Self.job(from: row)
                jobs[job.id] = job
            }
            return keys.compactMap { key in jobs[key.id].map { ($0, key.key) } }
        }
        return SearchPaging.page(rows, search: search)
    }

    /// Builds the first step of a search: the live-job filters, the text match and the keyset condition over
    /// `job_keys`, returning ids and sort keys of at most `limit + 1` jobs in order.
    static func searchQuery(_ search: JobSearch, now: Date, commonWords: Bool = false) -> (sql: String, arguments: [DatabaseValue]) {
        var conditions = ["k.status = 'published'", "(k.expires_at IS NULL OR k.expires_at > ?)"]
        var arguments: [DatabaseValue] = [now.timeIntervalSince1970.databaseValue]
        func add(_ condition: String, _ value: some DatabaseValueConvertible) {
            conditions.append(condition)
            arguments.append(value.databaseValue)
        }
        if let workplace = search.workplace { add("k.workplace = ?", workplace.rawValue) }
        if let type = search.employmentType { add("k.employment_type = ?", type.rawValue) }
        if let country = search.country { add("k.country = ?", country.uppercased()) }
        if let city = search.city { add("k.city = ?", city) }
        if let minimum = search.minimumYearlySalary { add("k.salary_year >= ?", minimum) }
        if let currency = search.currency { add("k.salary_currency = ?", currency.uppercased()) }
        for tag in search.tags { add("k.id IN (SELECT job_id FROM job_tags WHERE tag = ?)", tag.lowercased()) }
        if let days = search.postedWithinDays { add("k.published_at >= ?", now.timeIntervalSince1970 - Double(days) * 86_400) }

        let sort = search.effectiveSort
        var from = "job_keys k"
        let sortKey: String
        switch sort {
        case .newest: sortKey = "k.published_at"
        case .salary: sortKey = "k.salary_year"
        case .relevance: sortKey = "bm25(jobs_fts, 10.0, 4.0, 1.0, 6.0)"
        }
        if let terms = search.searchTerms {
            let match = terms.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: " ")
            // Two plans, chosen by how common the words are:
            // - rare words, relevance, or a narrow filter: the text match drives (CROSS JOIN keeps it the outer
            //   loop) and only the matches are sorted;
            // - common words with a broad search sorted by date or salary: walk the sort index and keep rows
            //   whose id is in the match set, built once; a page is found after a few dozen rows instead of
            //   sorting thousands of matches.
            let selectiveFilter =
                search.country != nil || search.city != nil || !search.tags.isEmpty || search.minimumYearlySalary != nil
                || search.currency != nil
            if commonWords && sort != .relevance && !selectiveFilter {
                add("k.id IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?)", match)
            } else {
                from = "jobs_fts CROSS JOIN job_keys k ON k.id = jobs_fts.rowid"
                add("jobs_fts MATCH ?", match)
            }
        }
        // bm25 is lower for better matches, so relevance ascends; the others descend.
        let direction = sort == .relevance ? "ASC" : "DESC"
        if let cursor = search.after {
            let comparison = sort == .relevance ? ">" : "<"
            conditions.append("(\(sortKey) \(comparison) ? OR (\(sortKey) = ? AND k.id < ?))")
            arguments.append(contentsOf: [cursor.key.databaseValue, cursor.key.databaseValue, cursor.id.databaseValue])
        }
        let sql = """
            SELECT k.id AS id, \(sortKey) AS sort_key FROM \(from) WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(sortKey) \(direction), k.id DESC LIMIT ?
            """
        arguments.append((search.limit + 1).databaseValue)
        return (sql, arguments)
    }

    /// Whether even the rarest search word is in so many postings that walking the sort order is cheaper.
    static func allWordsAreCommon(_ search: JobSearch, db: Database) throws -> Bool {
        guard let terms = search.searchTerms else { return false }
        var counts: [Int] = []
        for term in Set(terms) {
            // One lookup per word: fts5vocab answers `term = ?` from its index but scans for `term IN (…)`.
            guard let count = try Int.fetchOne(db, sql: "SELECT doc FROM jobs_fts_terms WHERE term = ?", arguments: [term]) else {
                // A missing word matches nothing: the match side is then the cheap one.
                return false
            }
            counts.append(count)
        }
        guard let rarest = counts.min() else { return false }
        return rarest > commonWordThreshold
    }

    /// Postings a word must be in before search walks the sort index instead of the matches.
    static let commonWordThreshold = 5_000

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
