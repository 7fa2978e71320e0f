/// An enumeration decoded from a fixed set of strings; an unknown string is refused naming the allowed ones,
/// so an API client learns what to send instead of "invalid value".
public protocol NamedValues: RawRepresentable, CaseIterable, Codable where RawValue == String {}

extension NamedValues {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"")
        }
        self = value
    }
}

extension Workplace: NamedValues {}
extension EmploymentType: NamedValues {}
extension Salary.Period: NamedValues {}
extension Role: NamedValues {}
extension ApplicationStatus: NamedValues {}
extension JobStatus: NamedValues {}
