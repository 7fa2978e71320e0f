import Foundation

/// Where a replica keeps its data, as given on the command line: `sqlite:PATH` or `postgres://user:pass@host:port/db`.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `--db`; the error says what forms are accepted.
    public init(parsing text: String) throws(DatabaseLocationError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .missingPath(text) }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw .unknownScheme(text)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
        }
    }

    /// Opens the store and brings its schema up to date.
    public func open() async throws -> any JobBoardStore {
        let store: any JobBoardStore
        switch self {
        case .sqlite(let path): store = try SQLiteStore(path: path)
        case .postgres(let url): store = try PostgresStore(url: url)
        }
        try await store.migrate()
        return store
    }
}

/// A `--db` value that names no store Evenkeel knows.
public enum DatabaseLocationError: Error, CustomStringConvertible {
    case unknownScheme(String)
    case missingPath(String)

    public var description: String {
        switch self {
        case .unknownScheme(let text): "--db \(text): expected sqlite:PATH or postgres://user:password@host:port/database"
        case .missingPath(let text): "--db \(text): sqlite: needs a file path, e.g. sqlite:evenkeel.sqlite"
        }
    }
}
