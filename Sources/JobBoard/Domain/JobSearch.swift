import Foundation

/// A search over live postings: free text, filters, a sort order and a keyset cursor.
public struct JobSearch: Sendable, Equatable {
    /// Result order. Every order ends with the job id so the keyset is total.
    public enum Sort: String, Sendable, CaseIterable {
        case newest
        case salary
        case relevance
    }

    /// Words to match in title, company, description and tags.
    public var text: String?
    public var workplace: Workplace?
    public var employmentType: EmploymentType?
    public var country: String?
    public var city: String?
    /// Minimum yearly salary (the range's top, annualised) in the job's own currency.
    public var minimumYearlySalary: Double?
    /// Only jobs in this currency, when set.
    public var currency: String?
    /// Every one of these tags must be on the job.
    public var tags: [String]
    public var postedWithinDays: Int?
    public var sort: Sort
    public var limit: Int
    public var after: SearchCursor?

    public init(
        text: String? = nil, workplace: Workplace? = nil, employmentType: EmploymentType? = nil, country: String? = nil,
        city: String? = nil, minimumYearlySalary: Double? = nil, currency: String? = nil, tags: [String] = [],
        postedWithinDays: Int? = nil, sort: Sort = .newest, limit: Int = 20, after: SearchCursor? = nil
    ) {
        self.text = text
        self.workplace = workplace
        self.employmentType = employmentType
        self.country = country
        self.city = city
        self.minimumYearlySalary = minimumYearlySalary
        self.currency = currency
        self.tags = tags
        self.postedWithinDays = postedWithinDays
        self.sort = sort
        self.limit = limit
        self.after = after
    }

    /// The largest page a caller may ask for.
    public static let maximumLimit = 100

    /// The search words, or nil when there are none worth matching.
    public var searchTerms: [String]? {
        guard let text else { return nil }
        let terms = SearchText.terms(in: text)
        return terms.isEmpty ? nil : terms
    }

    /// Relevance needs words to rank by; without them it falls back to newest.
    public var effectiveSort: Sort {
        sort == .relevance && searchTerms == nil ? .newest : sort
    }
}

/// One page of search results and the cursor for the next page, if any.
public struct JobSearchPage: Sendable {
    public var jobs: [Job]
    public var next: SearchCursor?

    public init(jobs: [Job], next: SearchCursor?) {
        self.jobs = jobs
        self.next = next
    }
}
