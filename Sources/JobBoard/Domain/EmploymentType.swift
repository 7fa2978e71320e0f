/// Employment type, using schema.org's `employmentType` vocabulary so JSON-LD needs no mapping.
public enum EmploymentType: String, Codable, Sendable, CaseIterable {
    case fullTime = "FULL_TIME"
    case partTime = "PART_TIME"
    case contractor = "CONTRACTOR"
    case temporary = "TEMPORARY"
    case intern = "INTERN"
    case volunteer = "VOLUNTEER"
    case perDiem = "PER_DIEM"
    case other = "OTHER"

    /// A label a person reads on a page.
    public var label: String {
        switch self {
        case .fullTime: "Full-time"
        case .partTime: "Part-time"
        case .contractor: "Contract"
        case .temporary: "Temporary"
        case .intern: "Internship"
        case .volunteer: "Volunteer"
        case .perDiem: "Per diem"
        case .other: "Other"
        }
    }
}
