/// A salary range as the employer states it: amounts in one ISO 4217 currency per period.
public struct Salary: Codable, Sendable, Equatable {
    /// The period a salary amount is paid for, in schema.org's `unitText` vocabulary.
    public enum Period: String, Codable, Sendable, CaseIterable {
        case hour = "HOUR"
        case day = "DAY"
        case week = "WEEK"
        case month = "MONTH"
        case year = "YEAR"

        /// How many of this period make a working year, so ranges can be compared across periods.
        public var perYear: Double {
            switch self {
            case .hour: 2080
            case .day: 260
            case .week: 52
            case .month: 12
            case .year: 1
            }
        }
    }

    public var min: Double?
    public var max: Double?
    /// ISO 4217 code, upper case (e.g. `EUR`).
    public var currency: String
    public var period: Period

    public init(min: Double?, max: Double?, currency: String, period: Period) {
        self.min = min
        self.max = max
        self.currency = currency
        self.period = period
    }

    /// The top of the range per year (the bottom when no top is given): what a "minimum salary" filter compares with.
    public var annualCeiling: Double? {
        guard let amount = max ?? min else { return nil }
        return amount * period.perYear
    }
}
