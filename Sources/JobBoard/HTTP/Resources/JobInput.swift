/// A posting as the API receives it (snake_case JSON).
public struct JobInput: Codable, Sendable {
    public var title: String
    public var company: String?
    public var description: String
    public var location: Location
    public var workplace: Workplace
    public var employmentType: EmploymentType
    public var salary: Salary?
    public var tags: [String]?
    public var applyURL: String?

    enum CodingKeys: String, CodingKey {
        case title, company, description, location, workplace, salary, tags
        case employmentType = "employment_type"
        case applyURL = "apply_url"
    }

    /// The draft, taking the company name from the profile when the input names none.
    func draft(defaultCompany: String?) -> JobDraft {
        JobDraft(
            title: title, company: company ?? defaultCompany ?? "", description: description, location: location,
            workplace: workplace, employmentType: employmentType, salary: salary, tags: tags ?? [], applyURL: applyURL)
    }
}
