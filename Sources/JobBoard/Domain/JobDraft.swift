/// The employer-editable content of a posting, as created and edited.
public struct JobDraft: Codable, Sendable, Equatable {
    public var title: String
    public var company: String
    public var description: String
    public var location: Location
    public var workplace: Workplace
    public var employmentType: EmploymentType
    public var salary: Salary?
    public var tags: [String]
    /// Where to apply when the employer takes applications elsewhere; nil means apply on Evenkeel.
    public var applyURL: String?

    public init(
        title: String, company: String, description: String, location: Location, workplace: Workplace,
        employmentType: EmploymentType, salary: Salary?, tags: [String], applyURL: String?
    ) {
        self.title = title
        self.company = company
        self.description = description
        self.location = location
        self.workplace = workplace
        self.employmentType = employmentType
        self.salary = salary
        self.tags = tags
        self.applyURL = applyURL
    }
}
