import Foundation

/// How values are written on pages and in feeds.
enum PageFormatting {
    static func day(_ date: Date?) -> String? {
        guard let date else { return nil }
        return date.formatted(.iso8601.year().month().day())
    }

    static func salary(_ salary: Salary?) -> String? {
        guard let salary else { return nil }
        let amounts = [salary.min, salary.max].compactMap { $0 }.map { $0.formatted(.number.precision(.fractionLength(0))) }
        return "\(salary.currency) \(amounts.joined(separator: "–")) per \(salary.period.rawValue.lowercased())"
    }

    /// Template values without the absent ones: Mustache treats a boxed nil as present.
    static func present(_ values: [String: Any?]) -> [String: Any] {
        values.compactMapValues { $0 }
    }

    /// A job as the list templates show it.
    static func listItem(_ job: Job) -> [String: Any] {
        present([
            "id": job.id, "title": job.content.title, "company": job.content.company,
            "location": job.content.location.displayName, "workplace": job.content.workplace.rawValue,
            "employmentType": job.content.employmentType.label, "salary": salary(job.content.salary),
            "tags": job.content.tags, "posted": day(job.publishedAt) ?? "",
        ])
    }
}
