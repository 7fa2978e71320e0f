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
            try Row.fetchOne(db, sql: "SELECT \(Self.jobColumns) FROM jobs WHERE id = ?", arguments: [id]).map(Self.job(from:))
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
                db, sql: "SELECT \(Self.jobColumns) FROM jobs WHERE employer_id = ? ORDER BY created_at DESC, id DESC",
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
            // Two steps in one read transaction: the page's ids and sort keys, then those jobs.
            let keys: [(id: Int64, key: Double)]
            if search.searchTerms != nil || !search.tags.isEmpty {
                keys = try self.indexedMatches(search, now: now, db: db)
            } else {
                let query = Self.filterQuery(search, now: now)
                keys = try Row.fetchAll(
                    try db.cachedStatement(sql: query.sql), arguments: StatementArguments(query.arguments)
                ).map { (id: $0[0] as Int64, key: $0[1] as Double) }
            }
            guard !keys.isEmpty else { return [(Job, Double)]() }
            let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ",")
            var jobs: [Int64: Job] = [:]
            // Cached per page size (at most the largest limit + 1 shapes): preparing it took a tenth of a search.
            let page = try db.cachedStatement(sql: "SELECT \(Self.jobColumns) FROM jobs WHERE id IN (\(placeholders))")
            // A cursor reads each column straight into the Job; fetchAll would copy every row first.
            let rows = try Row.fetchCursor(page, arguments: StatementArguments(keys.map(\.id)))
            while let row = try rows.next() {
                let job = Self.job(from: row)
                // The key cache may be a commit ahead of this transaction; show only what the transaction sees live.
                guard job.status == .published, job.expiresAt.map({ $0 > now }) ?? true else { continue }
                jobs[job.id] = job
            }
            return keys.compactMap { key in jobs[key.id].map { ($0, key.key) } }
        }
        return SearchPaging.page(rows, search: search)
    }

    /// A search driven by an index of ids: the full-text match (with its rank for relevance), or without words
    /// the first tag's postings. The in-memory keys filter and order the ids, so no matching row is looked up
    /// in a table.
    func indexedMatches(_ search: JobSearch, now: Date, db: Database) throws -> [(id: Int64, key: Double)] {
        let generation = try SearchKeyCache.generation(db)
        let keys = try searchKeys.snapshot(db, generation: generation)
        let filter = SearchKeyFilter(search, now: now.timeIntervalSince1970, codes: keys.codes)
        if filter.matchesNothing { return [] }
        let sort = search.effectiveSort
        let ranked = sort == .relevance
        // Newest first walks the ids from the highest down: ids grow with time, so once the page is full and no
        // lower id was published later than its last entry, the walk stops (after a few hundred rows instead of
        // every posting that holds a common word or tag).
        let newest = sort == .newest
        var tags = search.tags.map { $0.lowercased() }
        let match = search.searchTerms.map { terms in
            terms.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: " ")
        }
        let driver = tags.isEmpty || match != nil ? nil : tags.removeFirst()
        /// The statement whose rows drive the search: the text match, or without words the first tag's postings.
        func ids() throws -> Statement {
            let statement: Statement
            if let match {
                statement = try db.cachedStatement(
                    sql: """
                        SELECT rowid\(ranked ? ", bm25(jobs_fts, 10.0, 4.0, 1.0, 6.0)" : "") FROM jobs_fts WHERE jobs_fts MATCH ?
                        \(newest ? "ORDER BY rowid DESC" : "")
                        """)
                statement.arguments = [match]
            } else {
                statement = try db.cachedStatement(
                    sql: "SELECT job_id FROM job_tags WHERE tag = ?\(newest ? " ORDER BY job_id DESC" : "")")
                statement.arguments = [driver]
            }
            return statement
        }
        var tagged: Set<Int64>?
        for tag in tags {
            // A statement of its own: without words the driving statement is this same SQL, cached, and sharing it
            // would tie its arguments to the order these run in.
            let statement = try db.makeStatement(sql: "SELECT job_id FROM job_tags WHERE tag = ?")
            statement.arguments = [tag]
            var ids = Set<Int64>()
            try statement.forEachID { id, _ in
                if tagged?.contains(id) ?? true { ids.insert(id) }
                return true
            }
            tagged = ids
        }
        var top = TopMatches(capacity: search.limit + 1, sort: sort, after: search.after)
        func consider(_ id: Int64, _ rank: Double) -> Bool {
            if newest, top.isFull, let last = top.ordered.last, keys.latestPublication(atOrBelow: id) <= last.key { return false }
            guard let key = keys.key(id), filter.admits(key), tagged?.contains(id) ?? true else { return true }
            top.offer(id: id, key: ranked ? rank : key.sortValue(sort))
            return true
        }
        if ranked, let match {
            var ranking: RankedMatchCache.Ranking
            if let kept = rankings.ranking(for: match, at: generation) {
                ranking = kept
            } else {
                ranking = RankedMatchCache.Ranking()
                try ids().forEachID { id, rank in
                    ranking.ids.append(id)
                    ranking.ranks.append(rank)
                    return true
                }
                rankings.store(ranking, for: match, at: generation)
            }
            for index in ranking.ids.indices { _ = consider(ranking.ids[index], ranking.ranks[index]) }
        } else {
            try ids().forEachID(consider)
        }
        return top.ordered
    }

    /// A search without words or tags: the live-job filters and the keyset condition over `job_keys`, which walks the
    /// sort order's index, returning ids and sort keys of at most `limit + 1` jobs in order.
    static func filterQuery(_ search: JobSearch, now: Date) -> (sql: String, arguments: [DatabaseValue]) {
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
        if let days = search.postedWithinDays { add("k.published_at >= ?", now.timeIntervalSince1970 - Double(days) * 86_400) }

        let sortKey = search.effectiveSort == .salary ? "k.salary_year" : "k.published_at"
        if let cursor = search.after {
            conditions.append("(\(sortKey) < ? OR (\(sortKey) = ? AND k.id < ?))")
            arguments.append(contentsOf: [cursor.key.databaseValue, cursor.key.databaseValue, cursor.id.databaseValue])
        }
        let sql = """
            SELECT k.id, \(sortKey) FROM job_keys k WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(sortKey) DESC, k.id DESC LIMIT ?
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

    /// The columns `job(from:)` reads, by position: named lookups folded case on every access, which cost more
    /// than the rest of building a page of results.
    static let jobColumns = """
        id, employer_id, title, company, description, city, region, country, workplace, employment_type, salary_min,
        salary_max, salary_currency, salary_period, tags, apply_url, status, created_at, updated_at, published_at,
        expires_at
        """

    /// A job from a row of `jobColumns`.
    static func job(from row: Row) -> Job {
        let currency: String? = row[12]
        let period: String? = row[13]
        let salary = currency.map {
            Salary(min: row[10], max: row[11], currency: $0, period: period.flatMap(Salary.Period.init(rawValue:)) ?? .year)
        }
        let content = JobDraft(
            title: row[2], company: row[3], description: row[4],
            location: Location(city: row[5], region: row[6], country: row[7]),
            workplace: Workplace(rawValue: row[8]) ?? .onsite,
            employmentType: EmploymentType(rawValue: row[9]) ?? .other, salary: salary,
            tags: JobRowFields.splitTags(row[14]), applyURL: row[15])
        let publishedAt: Double? = row[19]
        let expiresAt: Double? = row[20]
        return Job(
            id: row[0], employerID: row[1], content: content,
            status: JobStatus(rawValue: row[16]) ?? .draft,
            createdAt: Date(timeIntervalSince1970: row[17]),
            updatedAt: Date(timeIntervalSince1970: row[18]),
            publishedAt: publishedAt.map(Date.init(timeIntervalSince1970:)),
            expiresAt: expiresAt.map(Date.init(timeIntervalSince1970:)))
    }
}
