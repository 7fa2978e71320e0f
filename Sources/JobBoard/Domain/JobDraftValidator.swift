import Foundation

/// Checks a posting's content and normalises it (trimmed text, upper-case codes, lower-case unique tags).
public enum JobDraftValidator {
    /// Returns the normalised draft, or throws ``JobBoardError/invalid(_:)`` naming every bad field.
    public static func validated(_ draft: JobDraft) throws(JobBoardError) -> JobDraft {
        var draft = draft
        var issues: [FieldIssue] = []
        draft.title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        draft.company = draft.company.trimmingCharacters(in: .whitespacesAndNewlines)
        draft.description = draft.description.trimmingCharacters(in: .whitespacesAndNewlines)
        check(draft.title, field: "title", range: 3...120, into: &issues)
        check(draft.company, field: "company", range: 1...120, into: &issues)
        check(draft.description, field: "description", range: 20...20_000, into: &issues)

        draft.location = validated(draft.location, into: &issues)

        if var salary = draft.salary {
            salary.currency = salary.currency.uppercased()
            if salary.currency.count != 3 || !salary.currency.allSatisfy({ $0.isASCII && $0.isLetter }) {
                issues.append(.init(field: "salary.currency", message: "must be an ISO 4217 code such as \"EUR\""))
            }
            if salary.min == nil && salary.max == nil {
                issues.append(.init(field: "salary", message: "needs min, max or both"))
            }
            for (name, value) in [("salary.min", salary.min), ("salary.max", salary.max)] {
                if let value, !(value.isFinite && value > 0 && value < 1e9) {
                    issues.append(.init(field: name, message: "must be a positive amount below 1,000,000,000"))
                }
            }
            if let min = salary.min, let max = salary.max, min > max {
                issues.append(.init(field: "salary.max", message: "must not be below salary.min (\(min))"))
            }
            draft.salary = salary
        }

        var seen = Set<String>()
        var tags: [String] = []
        for (index, raw) in draft.tags.enumerated() {
            let tag = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if tag.isEmpty || tag.count > 32 || tag.contains(",") {
                issues.append(.init(field: "tags[\(index)]", message: "must be 1 to 32 characters without commas"))
            } else if seen.insert(tag).inserted {
                tags.append(tag)
            }
        }
        if tags.count > 15 { issues.append(.init(field: "tags", message: "at most 15 tags")) }
        draft.tags = tags

        draft.applyURL = trimmedOrNil(draft.applyURL)
        if let url = draft.applyURL, !isWebURL(url) {
            issues.append(.init(field: "apply_url", message: "must be an http or https URL"))
        }
        if !issues.isEmpty { throw .invalid(issues) }
        return draft
    }

    /// A location normalised (upper-case country, trimmed city and region, blank ones gone), its faults added to
    /// `issues`: a posting's and a company profile's location follow the same rules.
    static func validated(_ location: Location, into issues: inout [FieldIssue]) -> Location {
        var location = location
        location.country = location.country.uppercased()
        if location.country.count != 2 || !location.country.allSatisfy({ $0.isASCII && $0.isLetter }) {
            issues.append(.init(field: "location.country", message: "must be an ISO 3166-1 alpha-2 code such as \"DE\""))
        }
        location.city = trimmedOrNil(location.city)
        location.region = trimmedOrNil(location.region)
        if let city = location.city, city.count > 100 {
            issues.append(.init(field: "location.city", message: "must be at most 100 characters"))
        }
        if let region = location.region, region.count > 100 {
            issues.append(.init(field: "location.region", message: "must be at most 100 characters"))
        }
        return location
    }

    /// An absolute http(s) URL with a host, at most 2,000 characters.
    public static func isWebURL(_ text: String) -> Bool {
        guard text.count <= 2000, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { return false }
        return true
    }

    private static func check(_ value: String, field: String, range: ClosedRange<Int>, into issues: inout [FieldIssue]) {
        if value.isEmpty {
            issues.append(.init(field: field, message: "is required"))
        } else if !range.contains(value.count) {
            issues.append(.init(field: field, message: "must be \(range.lowerBound) to \(range.upperBound) characters, got \(value.count)"))
        }
    }

    private static func trimmedOrNil(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
