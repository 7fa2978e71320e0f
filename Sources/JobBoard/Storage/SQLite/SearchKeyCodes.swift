/// Codes for the text values keys hold, handed out on first sight and never reused.
struct SearchKeyCodes: Sendable {
    static let none: Int32 = -1
    var countries: [String: Int32] = [:]
    var cities: [String: Int32] = [:]
    var currencies: [String: Int32] = [:]

    /// Cities match without case, as the SQL filter's `COLLATE NOCASE` does.
    static func cityKey(_ city: String) -> String { city.lowercased() }

    mutating func code(_ value: String?, in table: WritableKeyPath<SearchKeyCodes, [String: Int32]>) -> Int32 {
        guard let value else { return Self.none }
        if let code = self[keyPath: table][value] { return code }
        let code = Int32(self[keyPath: table].count)
        self[keyPath: table][value] = code
        return code
    }
}
