import Foundation
import Testing

@testable import JobBoard

/// The hand-written JSON of postings and search pages must be byte for byte what `JSONEncoder` writes, so
/// switching writers changes nothing a client sees.
@Suite("Hand-written JSON matches JSONEncoder")
struct JSONOutputTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func job(
        id: Int64, title: String, description: String, city: String?, region: String?, salary: Salary?, tags: [String],
        applyURL: String?, created: Double, published: Double?
    ) -> JobResource {
        let content = JobDraft(
            title: title, company: "Acme \"Quoted\" & Co/Ltd", description: description,
            location: Location(city: city, region: region, country: "DE"), workplace: .hybrid, employmentType: .contractor,
            salary: salary, tags: tags, applyURL: applyURL)
        let job = Job(
            id: id, employerID: 1, content: content, status: published == nil ? .draft : .published,
            createdAt: Date(timeIntervalSince1970: created), updatedAt: Date(timeIntervalSince1970: created + 0.999),
            publishedAt: published.map(Date.init(timeIntervalSince1970:)),
            expiresAt: published.map { Date(timeIntervalSince1970: $0 + 30 * 86_400) })
        return JobResource(job, now: Date(timeIntervalSince1970: 1_795_000_000))
    }

    static let jobs: [JobResource] = [
        job(
            id: 1, title: "Swift Engineer", description: "Line one.\nLine two\twith a tab, a \\ backslash and a / slash.",
            city: "Zürich", region: nil, salary: Salary(min: 70_000, max: 90_000, currency: "CHF", period: .year),
            tags: ["swift", "c++", "ops/sre"], applyURL: "https://example.com/apply?x=1&y=2", created: 1_790_000_000.25,
            published: 1_795_000_000.75),
        job(
            id: 42, title: "Control \u{0}\u{1}\u{8}\u{C}\u{D}\u{1F}\u{7F} and 🚀 emoji, \u{2028} separator",
            description: "", city: nil, region: "Bavaria", salary: Salary(min: 52.5, max: nil, currency: "EUR", period: .hour),
            tags: [], applyURL: nil, created: 951_868_799.5 /* 2000-02-29T23:59:59Z */, published: nil),
        job(
            id: 9_007_199_254_740_993, title: "Big id", description: "Tiny and huge numbers", city: "Berlin", region: "BE",
            salary: Salary(min: 0.1, max: 1e21, currency: "USD", period: .month), tags: ["a"], applyURL: nil,
            created: 4_102_444_800 /* 2100-01-01 */, published: 1_709_251_199 /* 2024-02-29T23:59:59Z */),
    ]

    static func written(_ value: some JSONWritable) -> String {
        var json = JSONOutput()
        value.write(to: &json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test(arguments: jobs)
    func postingIsWrittenAsJSONEncoderWritesIt(job: JobResource) throws {
        let expected = String(decoding: try Self.encoder.encode(job), as: UTF8.self)
        #expect(Self.written(job) == expected)
    }

    @Test func searchPageIsWrittenAsJSONEncoderWritesIt() throws {
        for page in [JobListResource(jobs: Self.jobs, nextCursor: "eyJpZCI6OTk5ODN9"), JobListResource(jobs: [], nextCursor: nil)] {
            let expected = String(decoding: try Self.encoder.encode(page), as: UTF8.self)
            #expect(Self.written(page) == expected)
        }
    }
}
