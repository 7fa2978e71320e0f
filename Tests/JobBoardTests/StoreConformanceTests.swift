import Foundation
import JobBoard
import Testing

/// The same behaviour from every store: what the job board relies on, run against SQLite and PostgreSQL.
@Suite("Store conformance (SQLite and PostgreSQL)")
struct StoreConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func draft(
        _ title: String, company: String = "Acme", description: String = "Work on interesting problems with a kind team.",
        city: String? = "Berlin", country: String = "DE", workplace: Workplace = .onsite, type: EmploymentType = .fullTime,
        salary: Salary? = nil, tags: [String] = []
    ) -> JobDraft {
        JobDraft(
            title: title, company: company, description: description, location: Location(city: city, region: nil, country: country),
            workplace: workplace, employmentType: type, salary: salary, tags: tags, applyURL: nil)
    }

    /// Creates and publishes a job `ageDays` before `now`, live for 30 days from then.
    static func publish(_ draft: JobDraft, in store: any JobBoardStore, employer: Int64, ageDays: Double = 0) async throws -> Job {
        let published = now.addingTimeInterval(-ageDays * 86_400)
        var job = try await store.createJob(employerID: employer, content: draft, at: published)
        job.status = .published
        job.publishedAt = published
        job.expiresAt = published.addingTimeInterval(30 * 86_400)
        try await store.saveJob(job)
        return job
    }

    static func employer(_ store: any JobBoardStore, _ email: String = "hr@acme.example") async throws -> Int64 {
        try await store.createAccount(NewAccount(email: email, role: .employer, displayName: "HR", passwordHash: "x"), at: now).id
    }

    static func titles(_ store: any JobBoardStore, _ search: JobSearch) async throws -> [String] {
        try await store.search(search, at: now).jobs.map(\.content.title)
    }

    @Test(arguments: StoreKind.available)
    func accountsAreUniqueByEmailIgnoringCase(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let account = try await store.createAccount(
                NewAccount(email: "ana@example.com", role: .seeker, displayName: "Ana", passwordHash: "hash"), at: Self.now)
            #expect(try await store.account(id: account.id) == account)
            let found = try #require(try await store.credentials(email: "ANA@example.com"))
            #expect(found.passwordHash == "hash")
            await #expect(throws: JobBoardError.conflict("an account with email Ana@Example.com already exists")) {
                _ = try await store.createAccount(
                    NewAccount(email: "Ana@Example.com", role: .employer, displayName: "Other", passwordHash: "h"), at: Self.now)
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func sessionsExpireAndCanBeDeleted(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try await Self.employer(store)
            try await store.createSession(tokenHash: "abc", accountID: id, expiresAt: Self.now.addingTimeInterval(60))
            #expect(try await store.account(sessionTokenHash: "abc", at: Self.now)?.id == id)
            #expect(try await store.account(sessionTokenHash: "abc", at: Self.now.addingTimeInterval(61)) == nil)
            try await store.deleteSession(tokenHash: "abc")
            #expect(try await store.account(sessionTokenHash: "abc", at: Self.now) == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func companyProfileUpserts(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let id = try await Self.employer(store)
            #expect(try await store.company(employerID: id) == nil)
            let first = CompanyProfile(employerID: id, name: "Acme", website: nil, about: nil, location: nil)
            try await store.saveCompany(first)
            let second = CompanyProfile(
                employerID: id, name: "Acme Robotics", website: "https://acme.example", about: "Robots.",
                location: Location(city: "Berlin", region: "Berlin", country: "DE"))
            try await store.saveCompany(second)
            #expect(try await store.company(employerID: id) == second)
        }
    }

    @Test(arguments: StoreKind.available)
    func jobsRoundTripEveryField(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let employer = try await Self.employer(store)
            var draft = Self.draft(
                "Staff Engineer", salary: Salary(min: 90_000.5, max: nil, currency: "EUR", period: .year),
                tags: ["swift", "linux"])
            draft.location.region = "Berlin"
            draft.applyURL = "https://acme.example/apply"
            let created = try await store.createJob(employerID: employer, content: draft, at: Self.now)
            #expect(try await store.job(id: created.id) == created)
            var job = created
            job.content.tags = ["go"]
            job.content.salary = nil
            job.status = .published
            job.publishedAt = Self.now.addingTimeInterval(0.123456)
            job.expiresAt = Self.now.addingTimeInterval(86_400.5)
            job.updatedAt = Self.now.addingTimeInterval(1)
            try await store.saveJob(job)
            #expect(try await store.job(id: job.id) == job)
            #expect(try await store.jobs(employerID: employer).map(\.id) == [job.id])
            #expect(try await store.jobCount() == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func searchShowsOnlyPublishedUnexpiredJobs(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let employer = try await Self.employer(store)
            _ = try await store.createJob(employerID: employer, content: Self.draft("Draft Role"), at: Self.now)
            _ = try await Self.publish(Self.draft("Live Role"), in: store, employer: employer, ageDays: 1)
            _ = try await Self.publish(Self.draft("Expired Role"), in: store, employer: employer, ageDays: 31)
            var closed = try await Self.publish(Self.draft("Closed Role"), in: store, employer: employer)
            closed.status = .closed
            try await store.saveJob(closed)
            #expect(try await Self.titles(store, JobSearch()) == ["Live Role"])
            #expect(try await Self.titles(store, JobSearch(text: "role")) == ["Live Role"])
        }
    }

    @Test(arguments: StoreKind.available)
    func filtersMatchTheSameJobs(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let employer = try await Self.employer(store)
            let jobs: [(JobDraft, Double)] = [
                (Self.draft("Swift Engineer", workplace: .remote, salary: Salary(min: 70_000, max: 90_000, currency: "EUR", period: .year), tags: ["swift", "backend"]), 1),
                (Self.draft("Contract iOS Developer", city: "Munich", type: .contractor, salary: Salary(min: 50, max: 60, currency: "EUR", period: .hour), tags: ["swift", "ios"]), 3),
                (Self.draft("Data Analyst", company: "Northwind", city: "Paris", country: "FR", workplace: .hybrid, tags: ["sql"]), 10),
                (Self.draft("SRE", description: "Keep the load balancers honest and traffic even.", city: "London", country: "GB", salary: Salary(min: nil, max: 100_000, currency: "GBP", period: .year)), 20),
            ]
            for (draft, age) in jobs { _ = try await Self.publish(draft, in: store, employer: employer, ageDays: age) }
            #expect(try await Self.titles(store, JobSearch(workplace: .remote)) == ["Swift Engineer"])
            #expect(try await Self.titles(store, JobSearch(employmentType: .contractor)) == ["Contract iOS Developer"])
            #expect(try await Self.titles(store, JobSearch(country: "FR")) == ["Data Analyst"])
            #expect(try await Self.titles(store, JobSearch(city: "munich")) == ["Contract iOS Developer"])
            // 60 EUR an hour is 124,800 a year.
            #expect(try await Self.titles(store, JobSearch(minimumYearlySalary: 95_000)) == ["Contract iOS Developer", "SRE"])
            #expect(try await Self.titles(store, JobSearch(minimumYearlySalary: 95_000, currency: "GBP")) == ["SRE"])
            #expect(try await Self.titles(store, JobSearch(tags: ["swift", "ios"])) == ["Contract iOS Developer"])
            #expect(try await Self.titles(store, JobSearch(postedWithinDays: 5)) == ["Swift Engineer", "Contract iOS Developer"])
            #expect(try await Self.titles(store, JobSearch(text: "northwind")) == ["Data Analyst"])
            #expect(try await Self.titles(store, JobSearch(text: "balancers traffic")) == ["SRE"])
            #expect(try await Self.titles(store, JobSearch(text: "backend")) == ["Swift Engineer"])
            #expect(try await Self.titles(store, JobSearch(text: "swift", sort: .salary)) == ["Contract iOS Developer", "Swift Engineer"])
        }
    }

    @Test(arguments: StoreKind.available)
    func relevanceRanksTitleMatchesFirst(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let employer = try await Self.employer(store)
            _ = try await Self.publish(
                Self.draft("Office Manager", description: "Support the team; some contact with our kubernetes vendors."), in: store,
                employer: employer, ageDays: 0)
            _ = try await Self.publish(Self.draft("Kubernetes Platform Engineer"), in: store, employer: employer, ageDays: 5)
            #expect(
                try await Self.titles(store, JobSearch(text: "kubernetes", sort: .relevance))
                    == ["Kubernetes Platform Engineer", "Office Manager"])
        }
    }

    @Test(arguments: [(StoreKind, JobSearch.Sort)](StoreKind.available.flatMap { kind in JobSearch.Sort.allCases.map { (kind, $0) } }))
    func keysetPagesVisitEveryMatchOnce(kind: StoreKind, sort: JobSearch.Sort) async throws {
        try await kind.withStore { store in
            let employer = try await Self.employer(store)
            var expected = Set<Int64>()
            for index in 0..<17 {
                let salary = index % 3 == 0 ? nil : Salary(min: Double(40_000 + (index % 4) * 5_000), max: nil, currency: "EUR", period: .year)
                let description = "Engineer number \(index). " + String(repeating: "engineer ", count: index % 4)
                let job = try await Self.publish(
                    Self.draft("Engineer \(index)", description: description, salary: salary), in: store, employer: employer,
                    ageDays: Double(index % 5))
                expected.insert(job.id)
            }
            var seen: [Int64] = []
            var search = JobSearch(text: "engineer", sort: sort, limit: 4)
            while true {
                let page = try await store.search(search, at: Self.now)
                seen += page.jobs.map(\.id)
                guard let next = page.next else { break }
                search.after = next
            }
            #expect(seen.count == expected.count)
            #expect(Set(seen) == expected)
        }
    }

    @Test(arguments: StoreKind.available)
    func applicationsAreUniquePerSeekerAndJob(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let employer = try await Self.employer(store)
            let seeker = try await store.createAccount(
                NewAccount(email: "ana@example.com", role: .seeker, displayName: "Ana", passwordHash: "x"), at: Self.now)
            let job = try await Self.publish(Self.draft("Role"), in: store, employer: employer)
            let other = try await Self.publish(Self.draft("Other Role"), in: store, employer: employer)
            let application = try await store.createApplication(
                jobID: job.id, seekerID: seeker.id, coverNote: "Hi", resumeURL: "https://cv.example.com", at: Self.now)
            await #expect(throws: JobBoardError.conflict("you have already applied to job \(job.id)")) {
                _ = try await store.createApplication(
                    jobID: job.id, seekerID: seeker.id, coverNote: "Again", resumeURL: "https://cv.example.com", at: Self.now)
            }
            _ = try await store.createApplication(
                jobID: other.id, seekerID: seeker.id, coverNote: "", resumeURL: "https://cv.example.com", at: Self.now)
            try await store.setApplicationStatus(id: application.id, to: .reviewed, at: Self.now.addingTimeInterval(5))
            let stored = try #require(try await store.application(id: application.id))
            #expect(stored.status == .reviewed)
            #expect(stored.updatedAt == Self.now.addingTimeInterval(5))
            #expect(try await store.applications(jobID: job.id).map(\.id) == [application.id])
            #expect(try await store.applications(seekerID: seeker.id).count == 2)
            #expect(try await store.applicationCounts(employerID: employer) == [job.id: 1, other.id: 1])
        }
    }
}

extension StoreConformanceTests {
    /// Postings whose ids do not follow their publication time (a draft published weeks after it was written),
    /// with varied filters: every search, paged, must give exactly the order a full sort gives. This catches a
    /// newest-first walk that stops too early, and any filter that disagrees with its SQL counterpart.
    @Test(arguments: StoreKind.available)
    func pagedSearchesMatchAFullSort(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let employer = try await Self.employer(store)
            var random = SystemRandomNumberGenerator()
            var jobs: [Job] = []
            for index in 0..<60 {
                let salary = index % 4 == 0 ? nil : Salary(min: nil, max: Double(30_000 + (index * 7_919) % 90_000), currency: index % 3 == 0 ? "GBP" : "EUR", period: .year)
                let draft = Self.draft(
                    "Engineer \(index)", description: index % 2 == 0 ? "Backend work." : "Frontend work.",
                    city: ["Berlin", "Munich", "Paris"][index % 3], country: index % 3 == 2 ? "FR" : "DE",
                    workplace: Workplace.allCases[index % 3], salary: salary, tags: index % 5 == 0 ? ["kubernetes", "swift"] : index % 7 == 0 ? ["kubernetes"] : ["swift"])
                // Ages in a shuffled order, with some ties, so id order and time order disagree.
                let age = Double(Int.random(in: 0..<20, using: &random))
                jobs.append(try await Self.publish(draft, in: store, employer: employer, ageDays: age))
            }
            let searches: [(JobSearch, (Job) -> Bool)] = [
                (JobSearch(text: "engineer"), { _ in true }),
                (JobSearch(text: "backend"), { $0.content.description.hasPrefix("Backend") }),
                (JobSearch(text: "engineer", country: "DE"), { $0.content.location.country == "DE" }),
                (JobSearch(text: "engineer", workplace: .remote), { $0.content.workplace == .remote }),
                (JobSearch(text: "engineer", minimumYearlySalary: 60_000), { ($0.content.salary?.annualCeiling ?? -1) >= 60_000 }),
                (JobSearch(text: "engineer", currency: "gbp"), { $0.content.salary?.currency == "GBP" }),
                (JobSearch(tags: ["kubernetes"]), { $0.content.tags.contains("kubernetes") }),
                (JobSearch(tags: ["swift", "kubernetes"]), { Set($0.content.tags) == ["kubernetes", "swift"] }),
                (JobSearch(text: "backend", tags: ["kubernetes", "swift"]), { Set($0.content.tags) == ["kubernetes", "swift"] && $0.content.description.hasPrefix("Backend") }),
                (JobSearch(city: "munich", tags: ["swift"]), { $0.content.location.city == "Munich" && $0.content.tags.contains("swift") }),
                (JobSearch(text: "frontend", postedWithinDays: 10), { $0.content.description.hasPrefix("Frontend") && $0.publishedAt! >= Self.now.addingTimeInterval(-10 * 86_400) }),
            ]
            for (base, admits) in searches {
                for sort in [JobSearch.Sort.newest, .salary] {
                    let key: (Job) -> Double = { sort == .salary ? ($0.content.salary?.annualCeiling ?? -1) : $0.publishedAt!.timeIntervalSince1970 }
                    let expected = jobs.filter(admits).sorted { key($0) != key($1) ? key($0) > key($1) : $0.id > $1.id }.map(\.id)
                    var search = base
                    search.sort = sort
                    search.limit = 7
                    var seen: [Int64] = []
                    while true {
                        let page = try await store.search(search, at: Self.now)
                        seen += page.jobs.map(\.id)
                        guard let next = page.next else { break }
                        search.after = next
                    }
                    #expect(seen == expected, "\(base) by \(sort)")
                }
            }
        }
    }
}
