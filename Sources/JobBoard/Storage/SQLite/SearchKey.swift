/// What a text search filters and sorts on for one published posting, small enough to hold every live posting
/// in memory: the full-text index returns matching ids, and these keys filter and order them without a b-tree
/// lookup per match (which is what made common words slow).
///
/// Country, city and currency are codes from the cache's `SearchKeyCodes`, so a filter compares integers.
struct SearchKey: Sendable {
    var publishedAt: Double
    /// `.infinity` for a posting that does not expire.
    var expiresAt: Double
    /// The annualised top of the salary range, or -1 without one (the same value the sort index holds).
    var salaryYear: Double
    var country: Int32
    /// The city's code, compared without case like the SQL filter; `SearchKeyCodes.none` when there is no city.
    var city: Int32
    var currency: Int32
    var workplace: UInt8
    var employmentType: UInt8
    /// False for an empty slot of the id-indexed table.
    var isPresent: Bool

    static let empty = SearchKey(
        publishedAt: 0, expiresAt: 0, salaryYear: -1, country: SearchKeyCodes.none, city: SearchKeyCodes.none,
        currency: SearchKeyCodes.none, workplace: .max, employmentType: .max, isPresent: false)

    /// The code a key stores for a workplace; enums become small integers so the key stays compact.
    static func code(_ workplace: Workplace) -> UInt8 { UInt8(Workplace.allCases.firstIndex(of: workplace)!) }

    static func code(_ type: EmploymentType) -> UInt8 { UInt8(EmploymentType.allCases.firstIndex(of: type)!) }

    /// The value a search sorts on; relevance comes from the index, not the key.
    func sortValue(_ sort: JobSearch.Sort) -> Double {
        switch sort {
        case .newest, .relevance: publishedAt
        case .salary: salaryYear
        }
    }
}
