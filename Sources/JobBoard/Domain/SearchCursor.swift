import Foundation

/// The position after the last job of a page, for keyset pagination.
///
/// It holds the sort key of that job and its id. It is opaque to clients (URL-safe base64 of JSON)
/// and carries the sort it belongs to, so a cursor from another sort is refused instead of skipping rows.
public struct SearchCursor: Codable, Sendable, Equatable {
    public var sort: String
    /// The sort key: publish time in seconds, yearly salary, or relevance rank.
    public var key: Double
    public var id: Int64

    public init(sort: JobSearch.Sort, key: Double, id: Int64) {
        self.sort = sort.rawValue
        self.key = key
        self.id = id
    }

    /// The string handed to clients.
    public var token: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a client's cursor; nil when it is not one of ours.
    public init?(token: String) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard token.count <= 512, let data = Data(base64Encoded: base64),
            let cursor = try? JSONDecoder().decode(SearchCursor.self, from: data),
            JobSearch.Sort(rawValue: cursor.sort) != nil, cursor.key.isFinite
        else { return nil }
        self = cursor
    }
}
