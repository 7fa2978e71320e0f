import GRDB
import Synchronization

/// Every published posting's `SearchKey`, in memory, kept in step with the database file.
///
/// Each change to a posting bumps a generation counter in the same transaction (schema triggers), and stamps the
/// changed row with it. A search reads the counter first and loads only the rows changed since the generation the
/// cache holds, so processes sharing one SQLite file each see the others' writes on their next search.
final class SearchKeyCache: Sendable {
    /// The keys at one generation. Searches work on a copy, outside the lock.
    struct Snapshot: Sendable {
        /// The database generation these keys reflect; -1 before the first load.
        fileprivate(set) var generation: Int64 = -1
        /// Keys indexed by job id, which autoincrement from 1; ids far past the end live in `sparse` instead.
        private var dense: [SearchKey] = []
        private var sparse: [Int64: SearchKey] = [:]
        private var count = 0
        /// For each dense id, the latest publication time of any key at or below it, so a newest-first walk down
        /// the ids knows when no lower id can still make the page.
        private var latestPublicationUpTo: [Double] = []
        fileprivate(set) var codes = SearchKeyCodes()

        /// The key of a published posting, or nil for any other id.
        func key(_ id: Int64) -> SearchKey? {
            if id >= 0 && id < Int64(dense.count) {
                let key = dense[Int(id)]
                return key.isPresent ? key : nil
            }
            return sparse[id]
        }

        /// The latest publication time of a key with an id at or below `id`; infinity past the dense ids.
        func latestPublication(atOrBelow id: Int64) -> Double {
            guard id < Int64(latestPublicationUpTo.count) else { return .infinity }
            return id < 0 ? -.infinity : latestPublicationUpTo[Int(id)]
        }

        /// Stores or (with nil) removes the key of `id`.
        mutating func set(_ key: SearchKey?, for id: Int64) {
            let had = self.key(id) != nil
            count += (key != nil ? 1 : 0) - (had ? 1 : 0)
            if id >= 0 && id < Int64(dense.count) {
                dense[Int(id)] = key ?? .empty
            } else if let key, id >= 0, id < Int64(Swift.max(65_536, 4 * count)) {
                dense.append(contentsOf: repeatElement(.empty, count: Int(id) - dense.count + 1))
                dense[Int(id)] = key
                // Sparse ids the dense table now covers move into it: `key(_:)` looks only there for them.
                for (sparseID, sparseKey) in sparse where sparseID < Int64(dense.count) {
                    dense[Int(sparseID)] = sparseKey
                    sparse[sparseID] = nil
                }
            } else {
                sparse[id] = key
            }
        }

        fileprivate mutating func load(changedAfter generation: Int64, db: Database) throws {
            for id in try Int64.fetchAll(
                db, sql: "SELECT id FROM job_keys_removed WHERE generation > ?", arguments: [generation])
            {
                set(nil, for: id)
            }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, status, published_at, expires_at, salary_year, country, city, salary_currency, workplace,
                        employment_type
                    FROM job_keys WHERE generation > ? ORDER BY id
                    """,
                arguments: [generation])
            while let row = try rows.next() {
                let id: Int64 = row[0]
                guard (row[1] as String) == JobStatus.published.rawValue else {
                    set(nil, for: id)
                    continue
                }
                let city: String? = row[6]
                let key = SearchKey(
                    publishedAt: row[2] ?? 0, expiresAt: row[3] ?? .infinity, salaryYear: row[4],
                    country: codes.code(row[5], in: \.countries), city: codes.code(city.map(SearchKeyCodes.cityKey), in: \.cities),
                    currency: codes.code(row[7], in: \.currencies),
                    workplace: Workplace(rawValue: row[8]).map(SearchKey.code) ?? .max,
                    employmentType: EmploymentType(rawValue: row[9]).map(SearchKey.code) ?? .max,
                    isPresent: true)
                set(key, for: id)
            }
            var latest = -Double.infinity
            latestPublicationUpTo = dense.map { key in
                if key.isPresent { latest = Swift.max(latest, key.publishedAt) }
                return latest
            }
        }
    }

    private let state = Mutex(Snapshot())

    /// The generation of postings `db`'s transaction sees.
    static func generation(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM search_generation") ?? 0
    }

    /// The keys as of `generation` (what `db`'s transaction sees), or a later one another search already loaded.
    func snapshot(_ db: Database, generation: Int64) throws -> Snapshot {
        try state.withLock { snapshot in
            if snapshot.generation < generation {
                try snapshot.load(changedAfter: snapshot.generation, db: db)
                snapshot.generation = generation
            }
            return snapshot
        }
    }
}
