/// An employer's public company profile. One per employer account; jobs copy the name at creation.
public struct CompanyProfile: Codable, Sendable, Equatable {
    public var employerID: Int64
    public var name: String
    public var website: String?
    public var about: String?
    public var location: Location?

    public init(employerID: Int64, name: String, website: String?, about: String?, location: Location?) {
        self.employerID = employerID
        self.name = name
        self.website = website
        self.about = about
        self.location = location
    }
}
