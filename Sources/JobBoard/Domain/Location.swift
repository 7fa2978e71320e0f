/// Where a job is based.
public struct Location: Codable, Sendable, Equatable {
    public var city: String?
    public var region: String?
    /// ISO 3166-1 alpha-2 country code, upper case.
    public var country: String

    public init(city: String?, region: String?, country: String) {
        self.city = city
        self.region = region
        self.country = country
    }

    /// "City, Region, CC" with empty parts left out.
    public var displayName: String {
        [city, region, country].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
    }
}
