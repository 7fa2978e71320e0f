import Foundation

/// How a job's fields are flattened into one row, the same for every store.
///
/// Tags are kept as `,tag1,tag2,` so a text column holds them with unambiguous edges;
/// `salary_year` is the annualised ceiling used by the salary filter and sort.
enum JobRowFields {
    static func joinedTags(_ tags: [String]) -> String {
        tags.isEmpty ? "" : "," + tags.joined(separator: ",") + ","
    }

    static func splitTags(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }

    /// The key a job sorts by in the given order; nil salaries sort last.
    static func sortKey(of job: Job, for sort: JobSearch.Sort) -> Double {
        switch sort {
        case .newest, .relevance: (job.publishedAt ?? job.createdAt).timeIntervalSince1970
        case .salary: job.content.salary?.annualCeiling ?? -1
        }
    }
}
