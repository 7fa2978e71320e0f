import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    public func createJob(employerID: Int64, content: JobDraft, at now: Date) async throws -> Job {
        var job = Job(
            id: 0, employerID: employerID, content: content, status: .draft, createdAt: now, updatedAt: now,
            publishedAt: nil, expiresAt: nil)
        job.id = try await usage.track {
            try await client.withTransaction(logger: logger) { connection in
                let id = try await Self.insert(job, on: connection, logger: logger)
                job.id = id
                try await Self.replaceTags(of: job, on: connection, logger: logger, fresh: true)
                return id
            }
        }
        return job
    }

    public func job(id: Int64) async throws -> Job? {
        try await rows("SELECT * FROM jobs WHERE id = \(id)").first.map(Self.job(from:))
    }

    public func saveJob(_ job: Job) async throws {
        let content = job.content
        try await usage.track {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    UPDATE jobs SET title = \(content.title), company = \(content.company), description = \(content.description),
                        city = \(content.location.city), region = \(content.location.region), country = \(content.location.country),
                        workplace = \(content.workplace.rawValue), employment_type = \(content.employmentType.rawValue),
                        salary_min = \(content.salary?.min), salary_max = \(content.salary?.max),
                        salary_currency = \(content.salary?.currency), salary_period = \(content.salary?.period.rawValue),
                        salary_year = \(content.salary?.annualCeiling ?? -1), tags = \(JobRowFields.joinedTags(content.tags)),
                        apply_url = \(content.applyURL), status = \(job.status.rawValue),
                        updated_at = \(job.updatedAt.timeIntervalSince1970),
                        published_at = \(job.publishedAt?.timeIntervalSince1970), expires_at = \(job.expiresAt?.timeIntervalSince1970)
                    WHERE id = \(job.id)
                    """, logger: logger)
                try await Self.replaceTags(of: job, on: connection, logger: logger, fresh: false)
            }
        }
    }

    public func jobs(employerID: Int64) async throws -> [Job] {
        try await rows("SELECT * FROM jobs WHERE employer_id = \(employerID) ORDER BY created_at DESC, id DESC").map(Self.job(from:))
    }

    public func insertJobs(_ jobs: [Job]) async throws {
        try await usage.track {
            try await client.withTransaction(logger: logger) { connection in
                for job in jobs {
                    var stored = job
                    stored.id = try await Self.insert(job, on: connection, logger: logger)
                    try await Self.replaceTags(of: stored, on: connection, logger: logger, fresh: true)
                }
            }
        }
    }

    public func jobCount() async throws -> Int {
        let rows = try await rows("SELECT count(*) AS n FROM jobs")
        return Int(try rows[0].value("n", as: Int64.self))
    }

    public func search(_ search: JobSearch, at now: Date) async throws -> JobSearchPage {
        let rows = try await rows(Self.searchQuery(search, now: now))
        return SearchPaging.page(try rows.map { (try Self.job(from: $0), try $0.value("sort_key", as: Double.self)) }, search: search)
    }

    /// The search as one statement: live-job filters, the text match and the keyset condition.
    static func searchQuery(_ search: JobSearch, now: Date) -> PostgresQuery {
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions = ["j.status = 'published'", "(j.expires_at IS NULL OR j.expires_at > \(bind(now.timeIntervalSince1970)))"]
        if let workplace = search.workplace { conditions.append("j.workplace = \(bind(workplace.rawValue))") }
        if let type = search.employmentType { conditions.append("j.employment_type = \(bind(type.rawValue))") }
        if let country = search.country { conditions.append("j.country = \(bind(country.uppercased()))") }
        if let city = search.city { conditions.append("lower(j.city) = lower(\(bind(city)))") }
        if let minimum = search.minimumYearlySalary { conditions.append("j.salary_year >= \(bind(minimum))") }
        if let currency = search.currency { conditions.append("j.salary_currency = \(bind(currency.uppercased()))") }
        for tag in search.tags {
            conditions.append("j.id IN (SELECT job_id FROM job_tags WHERE tag = \(bind(tag.lowercased())))")
        }
        if let days = search.postedWithinDays {
            conditions.append("j.published_at >= \(bind(now.timeIntervalSince1970 - Double(days) * 86_400))")
        }
        let sort = search.effectiveSort
        var textQuery: String?
        if let terms = search.searchTerms {
            let query = "plainto_tsquery('simple', \(bind(terms.joined(separator: " "))))"
            textQuery = query
            conditions.append("j.search_vector @@ \(query)")
        }
        let sortKey: String
        switch sort {
        case .newest: sortKey = "j.published_at"
        case .salary: sortKey = "j.salary_year"
        case .relevance: sortKey = "ts_rank_cd(j.search_vector, \(textQuery ?? "''::tsquery"))::float8"
        }
        // Every order here descends (a higher rank is a better match), then by id.
        if let cursor = search.after {
            let key = bind(cursor.key)
            conditions.append("(\(sortKey) < \(key) OR (\(sortKey) = \(key) AND j.id < \(bind(cursor.id))))")
        }
        let sql = """
            SELECT j.*, \(sortKey) AS sort_key FROM jobs j WHERE \(conditions.joined(separator: " AND "))
            ORDER BY sort_key DESC, j.id DESC LIMIT \(bind(search.limit + 1))
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    static func insert(_ job: Job, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let content = job.content
        let rows = try await connection.query(
            """
            INSERT INTO jobs (employer_id, title, company, description, city, region, country, workplace, employment_type,
                salary_min, salary_max, salary_currency, salary_period, salary_year, tags, apply_url, status, created_at,
                updated_at, published_at, expires_at)
            VALUES (\(job.employerID), \(content.title), \(content.company), \(content.description), \(content.location.city),
                \(content.location.region), \(content.location.country), \(content.workplace.rawValue),
                \(content.employmentType.rawValue), \(content.salary?.min), \(content.salary?.max), \(content.salary?.currency),
                \(content.salary?.period.rawValue), \(content.salary?.annualCeiling ?? -1), \(JobRowFields.joinedTags(content.tags)),
                \(content.applyURL), \(job.status.rawValue), \(job.createdAt.timeIntervalSince1970),
                \(job.updatedAt.timeIntervalSince1970), \(job.publishedAt?.timeIntervalSince1970),
                \(job.expiresAt?.timeIntervalSince1970))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw JobBoardError.conflict("the database returned no id for the new job")
    }

    static func replaceTags(of job: Job, on connection: PostgresConnection, logger: Logger, fresh: Bool) async throws {
        if !fresh { try await connection.query("DELETE FROM job_tags WHERE job_id = \(job.id)", logger: logger) }
        for tag in job.content.tags {
            try await connection.query(
                "INSERT INTO job_tags (tag, job_id) VALUES (\(tag), \(job.id)) ON CONFLICT DO NOTHING", logger: logger)
        }
    }

    static func job(from row: PostgresRandomAccessRow) throws -> Job {
        let currency: String? = try row.value("salary_currency")
        let period: String? = try row.value("salary_period")
        let salary = try currency.map {
            Salary(
                min: try row.value("salary_min"), max: try row.value("salary_max"), currency: $0,
                period: period.flatMap(Salary.Period.init(rawValue:)) ?? .year)
        }
        let content = JobDraft(
            title: try row.value("title"), company: try row.value("company"), description: try row.value("description"),
            location: Location(city: try row.value("city"), region: try row.value("region"), country: try row.value("country")),
            workplace: Workplace(rawValue: try row.value("workplace")) ?? .onsite,
            employmentType: EmploymentType(rawValue: try row.value("employment_type")) ?? .other, salary: salary,
            tags: JobRowFields.splitTags(try row.value("tags")), applyURL: try row.value("apply_url"))
        let publishedAt: Double? = try row.value("published_at")
        let expiresAt: Double? = try row.value("expires_at")
        return Job(
            id: try row.value("id"), employerID: try row.value("employer_id"), content: content,
            status: JobStatus(rawValue: try row.value("status")) ?? .draft,
            createdAt: Date(timeIntervalSince1970: try row.value("created_at")),
            updatedAt: Date(timeIntervalSince1970: try row.value("updated_at")),
            publishedAt: publishedAt.map(Date.init(timeIntervalSince1970:)),
            expiresAt: expiresAt.map(Date.init(timeIntervalSince1970:)))
    }
}
