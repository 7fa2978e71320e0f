import Foundation
import GRDB
import Testing

@testable import JobBoard

/// Text and tag searches on SQLite filter their matches with an in-memory copy of every published posting's keys.
/// These tests hold that copy to the database: writes from another process sharing the file, every kind of
/// change, and newest-first walks that stop early must all give what a full scan would.
@Suite("SQLite search keys stay in step with the database")
struct SearchKeyCacheTests {
    static let now = StoreConformanceTests.now

    /// Two stores on one file, as two `serve` processes sharing a database.
    static func withTwoStores(_ body: (SQLiteStore, SQLiteStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("jobs.sqlite").path
        let reader = try SQLiteStore(path: path)
        try await reader.migrate()
        let writer = try SQLiteStore(path: path)
        try await body(reader, writer)
        try await reader.close()
        try await writer.close()
    }

    static func titles(_ store: SQLiteStore, _ search: JobSearch) async throws -> [String] {
        try await store.search(search, at: now).jobs.map(\.content.title)
    }

    @Test func searchSeesEveryChangeAnotherProcessWrites() async throws {
        try await Self.withTwoStores { reader, writer in
            let employer = try await StoreConformanceTests.employer(writer)
            let draft = StoreConformanceTests.draft("Swift Engineer", city: "Berlin", tags: ["swift"])
            var job = try await StoreConformanceTests.publish(draft, in: writer, employer: employer)
            // The reader loads its keys on this first search.
            #expect(try await Self.titles(reader, JobSearch(text: "swift")) == ["Swift Engineer"])

            // A new posting from the other process.
            _ = try await StoreConformanceTests.publish(
                StoreConformanceTests.draft("Swift Lead", city: "Hamburg", tags: ["swift"]), in: writer, employer: employer, ageDays: 1)
            #expect(try await Self.titles(reader, JobSearch(text: "swift")) == ["Swift Engineer", "Swift Lead"])

            // A filter column changes: the posting moves from Berlin to Paris.
            job.content.location = Location(city: "Paris", region: nil, country: "FR")
            try await writer.saveJob(job)
            #expect(try await Self.titles(reader, JobSearch(text: "swift", city: "berlin")) == [])
            #expect(try await Self.titles(reader, JobSearch(text: "swift", country: "FR")) == ["Swift Engineer"])
            #expect(try await Self.titles(reader, JobSearch(country: "FR", tags: ["swift"])) == ["Swift Engineer"])

            // Closing takes it out of search.
            job.status = .closed
            try await writer.saveJob(job)
            #expect(try await Self.titles(reader, JobSearch(text: "swift")) == ["Swift Lead"])
            #expect(try await Self.titles(reader, JobSearch(tags: ["swift"])) == ["Swift Lead"])

            // A deleted row leaves a tombstone the reader applies.
            try await writer.write { db in try db.execute(sql: "DELETE FROM jobs WHERE title = 'Swift Lead'") }
            #expect(try await Self.titles(reader, JobSearch(text: "swift")) == [])
        }
    }

    @Test func aFilterValueNoPostingHasMatchesNothing() async throws {
        try await Self.withTwoStores { reader, writer in
            let employer = try await StoreConformanceTests.employer(writer)
            _ = try await StoreConformanceTests.publish(StoreConformanceTests.draft("Swift Engineer"), in: writer, employer: employer)
            #expect(try await Self.titles(reader, JobSearch(text: "swift", country: "ZZ")) == [])
            #expect(try await Self.titles(reader, JobSearch(text: "swift", city: "Atlantis")) == [])
            #expect(try await Self.titles(reader, JobSearch(text: "swift", currency: "XTS")) == [])
            #expect(try await Self.titles(reader, JobSearch(text: "swift", country: "de")) == ["Swift Engineer"])
        }
    }

    @Test func keysFarPastTheDenseIdsAreFound() async throws {
        try await Self.withTwoStores { reader, writer in
            let employer = try await StoreConformanceTests.employer(writer)
            let published = Self.now.addingTimeInterval(-3_600)
            var jobs: [Job] = []
            // The far id is published 6 s after its base time, the near one 3 s: the far one comes first.
            for (id, title) in [(Int64(3), "Swift Near"), (Int64(50_000_000_000), "Swift Far")] {
                jobs.append(
                    Job(
                        id: id, employerID: employer, content: StoreConformanceTests.draft(title), status: .published,
                        createdAt: published, updatedAt: published, publishedAt: published.addingTimeInterval(Double(id % 7)),
                        expiresAt: published.addingTimeInterval(86_400)))
            }
            try await writer.insertJobs(jobs)
            #expect(try await Self.titles(reader, JobSearch(text: "swift")) == ["Swift Far", "Swift Near"])
        }
    }

    @Test func relevanceReflectsAPostingAnotherProcessAdds() async throws {
        try await Self.withTwoStores { reader, writer in
            let employer = try await StoreConformanceTests.employer(writer)
            _ = try await StoreConformanceTests.publish(
                StoreConformanceTests.draft("Office Manager", description: "Some contact with kubernetes vendors."), in: writer,
                employer: employer)
            let search = JobSearch(text: "kubernetes", sort: .relevance)
            #expect(try await Self.titles(reader, search) == ["Office Manager"])
            // The reader keeps the ranking; a better match written elsewhere must still come first.
            _ = try await StoreConformanceTests.publish(
                StoreConformanceTests.draft("Kubernetes Platform Engineer"), in: writer, employer: employer, ageDays: 3)
            #expect(try await Self.titles(reader, search) == ["Kubernetes Platform Engineer", "Office Manager"])
            // Pages of a kept ranking agree with a fresh one.
            var first = search
            first.limit = 1
            let page = try await reader.search(first, at: Self.now)
            #expect(page.jobs.map(\.content.title) == ["Kubernetes Platform Engineer"])
            first.after = page.next
            #expect(try await Self.titles(reader, first) == ["Office Manager"])
        }
    }

    @Test func aKeyStoredPastTheDenseIdsIsStillFoundOnceTheTableGrowsOverIt() {
        var snapshot = SearchKeyCache.Snapshot()
        var key = SearchKey.empty
        key.isPresent = true
        key.publishedAt = 7
        // Past the dense table's first bound (65,536 ids while it holds few keys): kept aside.
        snapshot.set(key, for: 70_000)
        // Enough keys that the bound passes 80,000, then an id that makes the dense table cover 70,000.
        for id in Int64(1)...20_000 { snapshot.set(key, for: id) }
        snapshot.set(key, for: 80_000)
        #expect(snapshot.key(70_000)?.publishedAt == 7)
        snapshot.set(nil, for: 70_000)
        #expect(snapshot.key(70_000) == nil)
    }
}

