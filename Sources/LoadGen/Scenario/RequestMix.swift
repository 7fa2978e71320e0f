import Picking


/// Where requests come from: one fixed path, or a weighted mix of generated requests.
public struct RequestMix: Sendable {
    /// One kind of request with its weight and a generator that draws its random parts.
    public struct Entry: Sendable {
        public var weight: Int
        public var make: @Sendable (inout SplitMix64) -> RequestSpec

        public init(weight: Int, make: @escaping @Sendable (inout SplitMix64) -> RequestSpec) {
            self.weight = weight
            self.make = make
        }
    }

    public let entries: [Entry]
    private let total: Int
    /// The one request this mix always makes, when it is fixed: it is then encoded once for a whole test.
    public let fixed: RequestSpec?

    public init(entries: [Entry]) {
        self.entries = entries.filter { $0.weight > 0 }
        self.total = self.entries.reduce(0) { $0 + $1.weight }
        self.fixed = nil
    }

    private init(fixed: RequestSpec) {
        entries = [Entry(weight: 1) { _ in fixed }]
        total = 1
        self.fixed = fixed
    }

    /// Always the same request.
    public static func single(method: String = "GET", path: String) -> RequestMix {
        RequestMix(fixed: RequestSpec(kind: "\(method) \(path)", method: method, path: path))
    }

    /// One of `list`, drawn from `random`.
    static func pick(_ list: [String], _ random: inout SplitMix64) -> String {
        list[Int(random.next() % UInt64(list.count))]
    }

    public func next(_ random: inout SplitMix64) -> RequestSpec {
        var pick = Int(random.next() % UInt64(max(1, total)))
        for entry in entries {
            if pick < entry.weight { return entry.make(&random) }
            pick -= entry.weight
        }
        return entries[0].make(&random)
    }

    /// The job board: searches with realistic words and filters, job pages, the HTML pages, a few logins and,
    /// given seekers' session tokens (``JobBoardSessions``), a few applications to jobs.
    public static func jobBoard(jobCount: Int = 10_000, seekerTokens: [String] = []) -> RequestMix {
        let words = ["swift", "engineer", "senior", "backend", "data", "python", "designer", "nurse", "remote", "manager", "ios", "kubernetes", "sales", "accountant"]
        let workplaces = ["", "onsite", "hybrid", "remote"]
        let types = ["", "FULL_TIME", "PART_TIME", "CONTRACTOR"]
        let countries = ["", "DE", "FR", "GB", "US"]
        let sorts = ["newest", "salary", "relevance"]
        return RequestMix(entries: [
            Entry(weight: 50) { random in
                var query = ["q=\(Self.pick(words, &random))", "sort=\(Self.pick(sorts, &random))"]
                for (name, value) in [("workplace", Self.pick(workplaces, &random)), ("employment_type", Self.pick(types, &random)), ("country", Self.pick(countries, &random))] where !value.isEmpty {
                    query.append("\(name)=\(value)")
                }
                return RequestSpec(kind: "search", path: "/api/v1/jobs?" + query.joined(separator: "&"))
            },
            Entry(weight: 25) { random in
                RequestSpec(kind: "job", path: "/api/v1/jobs/\(1 + Int(random.next() % UInt64(max(1, jobCount))))")
            },
            Entry(weight: 10) { random in RequestSpec(kind: "page", path: "/jobs?q=\(Self.pick(words, &random))") },
            Entry(weight: 5) { _ in RequestSpec(kind: "home", path: "/") },
            Entry(weight: 2) { random in
                .seekerLogin(1 + Int(random.next() % 100))
            },
            Entry(weight: seekerTokens.isEmpty ? 0 : 2) { random in
                let seeker = Int(random.next() % UInt64(max(1, seekerTokens.count)))
                let job = 1 + Int(random.next() % UInt64(max(1, jobCount)))
                return RequestSpec(
                    kind: "apply", method: "POST", path: "/api/v1/jobs/\(job)/applications",
                    headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(seekerTokens[seeker])")],
                    body: #"{"resume_url":"https://cv.example.com/seeker-\#(seeker + 1)","cover_note":"Sent by evenkeel load."}"#)
            },
        ])
    }
}
