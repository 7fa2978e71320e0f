import Foundation

/// Realistic synthetic postings for demos, tests and benchmarks: varied titles, companies, cities,
/// salaries, tags and text, reproducible from a seed.
public struct SyntheticJobs: Sendable {
    let seed: UInt64

    public init(seed: UInt64 = 42) {
        self.seed = seed
    }

    /// The ages postings are spread over by default: the last 29 days.
    public static let defaultAges: ClosedRange<TimeInterval> = 0...(29 * 86_400)

    /// `count` published jobs with ids from `firstID`, posted `ages` seconds before `now`, owned by `employerIDs`.
    ///
    /// Ids follow posting time, oldest first, as they do on a board where postings are created over time.
    public func make(
        count: Int, firstID: Int64, employerIDs: [Int64], now: Date, lifetime: TimeInterval,
        ages: ClosedRange<TimeInterval> = defaultAges
    ) -> [Job] {
        var random = SplitMix64(seed: seed &+ UInt64(firstID))
        let jobs = (0..<count).map { offset in
            let role = Self.roles.randomElement(using: &random)!
            let level = Self.levels.randomElement(using: &random)!
            let company = Self.companies.randomElement(using: &random)!
            let place = Self.places.randomElement(using: &random)!
            let skills = Array(role.skills.shuffled(using: &random).prefix(Int.random(in: 2...4, using: &random)))
            let extra = Self.extraTags.randomElement(using: &random)!
            let workplace = Workplace.allCases.randomElement(using: &random)!
            let type: EmploymentType =
                random.next() % 10 < 8 ? .fullTime : [.partTime, .contractor, .temporary, .intern].randomElement(using: &random)!
            let base = role.baseSalary * level.factor * place.salaryFactor * Double.random(in: 0.85...1.2, using: &random)
            let salary: Salary? =
                random.next() % 5 == 0
                ? nil
                : type == .contractor
                    ? Salary(min: (base / 1600).rounded(), max: (base * 1.25 / 1600).rounded(), currency: place.currency, period: .hour)
                    : Salary(
                        min: (base / 1000).rounded() * 1000, max: (base * 1.3 / 1000).rounded() * 1000, currency: place.currency,
                        period: .year)
            let title = "\(level.name)\(role.title)"
            let description = Self.description(
                title: title, company: company, city: place.city, skills: skills, workplace: workplace, random: &random)
            let published = now.addingTimeInterval(-Double.random(in: ages, using: &random))
            let content = JobDraft(
                title: title, company: company, description: description,
                location: Location(city: place.city, region: place.region, country: place.country), workplace: workplace,
                employmentType: type, salary: salary, tags: skills.contains(extra) ? skills : skills + [extra], applyURL: nil)
            return Job(
                id: firstID + Int64(offset), employerID: employerIDs[offset % employerIDs.count], content: content,
                status: .published, createdAt: published, updatedAt: published, publishedAt: published,
                expiresAt: published.addingTimeInterval(lifetime))
        }
        return jobs.sorted { $0.publishedAt! < $1.publishedAt! }.enumerated().map { offset, job in
            var job = job
            job.id = firstID + Int64(offset)
            return job
        }
    }

    static func description(
        title: String, company: String, city: String, skills: [String], workplace: Workplace, random: inout SplitMix64
    ) -> String {
        let opener = [
            "\(company) is hiring: \(title) in \(city).",
            "Join \(company) as a \(title) and help us grow.",
            "We are looking for a new \(title) to join our team in \(city).",
        ].randomElement(using: &random)!
        let work = [
            "You will design, build and run services used by millions of people every day.",
            "You will work closely with product, design and operations to ship features end to end.",
            "You will own a part of our platform, from planning to production and on-call.",
            "You will improve reliability, latency and cost across a growing system.",
        ].shuffled(using: &random).prefix(2).joined(separator: " ")
        let needs = "You have worked with \(skills.joined(separator: ", ")) and enjoy learning new tools."
        let place =
            switch workplace {
            case .remote: "This role is fully remote."
            case .hybrid: "We meet in the \(city) office two days a week."
            case .onsite: "This role is based in our \(city) office."
            }
        let perks = [
            "We offer flexible hours, a learning budget and 30 days of paid leave.",
            "Benefits include health insurance, a pension plan and parental leave.",
            "You get a modern laptop, conference budget and a friendly team.",
        ].randomElement(using: &random)!
        return "\(opener) \(work)\n\n\(needs) \(place)\n\n\(perks)"
    }

    struct JobRole {
        var title: String
        var skills: [String]
        var baseSalary: Double
    }

    struct Level {
        var name: String
        var factor: Double
    }

    struct Place {
        var city: String
        var region: String?
        var country: String
        var currency: String
        var salaryFactor: Double
    }

    static let roles: [JobRole] = [
        .init(title: "Backend Engineer", skills: ["swift", "go", "postgres", "kubernetes", "grpc", "redis"], baseSalary: 75_000),
        .init(title: "Frontend Developer", skills: ["typescript", "react", "css", "accessibility", "vite"], baseSalary: 65_000),
        .init(title: "iOS Developer", skills: ["swift", "swiftui", "uikit", "xcode", "testing"], baseSalary: 72_000),
        .init(title: "Site Reliability Engineer", skills: ["linux", "kubernetes", "terraform", "prometheus", "haproxy", "nginx"], baseSalary: 80_000),
        .init(title: "Data Engineer", skills: ["python", "spark", "sql", "airflow", "kafka"], baseSalary: 72_000),
        .init(title: "Data Scientist", skills: ["python", "statistics", "sql", "pytorch", "experimentation"], baseSalary: 70_000),
        .init(title: "Product Manager", skills: ["roadmaps", "discovery", "analytics", "stakeholders"], baseSalary: 70_000),
        .init(title: "Product Designer", skills: ["figma", "research", "prototyping", "design-systems"], baseSalary: 60_000),
        .init(title: "Security Engineer", skills: ["appsec", "cloud", "threat-modeling", "rust", "go"], baseSalary: 85_000),
        .init(title: "Network Engineer", skills: ["bgp", "load-balancing", "haproxy", "linux", "dns"], baseSalary: 68_000),
        .init(title: "Customer Support Specialist", skills: ["zendesk", "communication", "english", "german"], baseSalary: 38_000),
        .init(title: "Sales Manager", skills: ["b2b", "saas", "negotiation", "crm"], baseSalary: 60_000),
        .init(title: "Registered Nurse", skills: ["patient-care", "icu", "shift-work"], baseSalary: 45_000),
        .init(title: "Warehouse Associate", skills: ["forklift", "logistics", "inventory"], baseSalary: 30_000),
        .init(title: "Accountant", skills: ["ifrs", "excel", "sap", "tax"], baseSalary: 52_000),
        .init(title: "Machine Learning Engineer", skills: ["python", "pytorch", "mlops", "kubernetes", "llm"], baseSalary: 90_000),
    ]

    static let levels: [Level] = [
        .init(name: "", factor: 1), .init(name: "Senior ", factor: 1.3), .init(name: "Junior ", factor: 0.75),
        .init(name: "Staff ", factor: 1.6), .init(name: "Lead ", factor: 1.45),
    ]

    static let companies = [
        "Acme Robotics", "Bluefin Analytics", "Cobalt Health", "Driftwood Games", "Evergreen Energy", "Fjord Logistics",
        "Granite Bank", "Harbor Insurance", "Ionic Labs", "Juniper Retail", "Kestrel Aviation", "Lumen Media",
        "Meridian Travel", "Northwind Foods", "Orbit Telecom", "Pinecone Software", "Quartz Security", "Riverstone Legal",
        "Saffron Kitchens", "Tidal Mobility", "Umbra Studios", "Vantage Consulting", "Willow Education", "Xenon Chips",
        "Yarrow Biotech", "Zephyr Cloud",
    ]

    static let places: [Place] = [
        .init(city: "Berlin", region: "Berlin", country: "DE", currency: "EUR", salaryFactor: 1),
        .init(city: "Munich", region: "Bavaria", country: "DE", currency: "EUR", salaryFactor: 1.1),
        .init(city: "Hamburg", region: "Hamburg", country: "DE", currency: "EUR", salaryFactor: 1),
        .init(city: "Amsterdam", region: "North Holland", country: "NL", currency: "EUR", salaryFactor: 1.05),
        .init(city: "Paris", region: "Île-de-France", country: "FR", currency: "EUR", salaryFactor: 1),
        .init(city: "Lyon", region: "Auvergne-Rhône-Alpes", country: "FR", currency: "EUR", salaryFactor: 0.9),
        .init(city: "Madrid", region: "Madrid", country: "ES", currency: "EUR", salaryFactor: 0.8),
        .init(city: "Lisbon", region: nil, country: "PT", currency: "EUR", salaryFactor: 0.7),
        .init(city: "London", region: "England", country: "GB", currency: "GBP", salaryFactor: 0.95),
        .init(city: "Manchester", region: "England", country: "GB", currency: "GBP", salaryFactor: 0.8),
        .init(city: "Dublin", region: "Leinster", country: "IE", currency: "EUR", salaryFactor: 1.1),
        .init(city: "Zurich", region: "Zurich", country: "CH", currency: "CHF", salaryFactor: 1.6),
        .init(city: "Stockholm", region: nil, country: "SE", currency: "SEK", salaryFactor: 11),
        .init(city: "Warsaw", region: "Masovia", country: "PL", currency: "PLN", salaryFactor: 3.2),
        .init(city: "New York", region: "NY", country: "US", currency: "USD", salaryFactor: 1.7),
        .init(city: "San Francisco", region: "CA", country: "US", currency: "USD", salaryFactor: 1.9),
        .init(city: "Austin", region: "TX", country: "US", currency: "USD", salaryFactor: 1.4),
        .init(city: "Toronto", region: "ON", country: "CA", currency: "CAD", salaryFactor: 1.5),
        .init(city: "São Paulo", region: "SP", country: "BR", currency: "BRL", salaryFactor: 3),
        .init(city: "Bangalore", region: "Karnataka", country: "IN", currency: "INR", salaryFactor: 25),
        .init(city: "Singapore", region: nil, country: "SG", currency: "SGD", salaryFactor: 1.5),
        .init(city: "Sydney", region: "NSW", country: "AU", currency: "AUD", salaryFactor: 1.5),
        .init(city: "Tokyo", region: "Tokyo", country: "JP", currency: "JPY", salaryFactor: 150),
        .init(city: "Nairobi", region: nil, country: "KE", currency: "KES", salaryFactor: 60),
    ]

    static let extraTags = ["visa-sponsorship", "relocation", "four-day-week", "equity", "english", "startup", "enterprise", "nonprofit"]
}

/// A small, fast, seedable random number generator, so a seed gives the same jobs on every machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
