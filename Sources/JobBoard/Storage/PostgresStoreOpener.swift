/// Opens the PostgreSQL store (kept apart so the SQLite-only build can say clearly what is missing).
enum PostgresStoreOpener {
    static func open(_ url: String) throws -> any JobBoardStore {
        throw DatabaseLocationError.unknownScheme(url + " (PostgreSQL store not built in yet)")
    }
}
