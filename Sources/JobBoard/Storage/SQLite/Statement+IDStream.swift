import GRDB
import GRDBSQLite

extension Statement {
    /// Steps a statement whose rows are an id and optionally a score, handing each to `body` until it returns
    /// false. It reads the columns straight from SQLite: a search may stream 40,000 ids, and GRDB's row cursor
    /// cost more per row than SQLite did.
    func forEachID(_ body: (_ id: Int64, _ score: Double) throws -> Bool) throws {
        let handle = sqliteStatement
        defer { sqlite3_reset(handle) }
        let scored = columnCount > 1
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                    sql: sql)
            }
            if try !body(sqlite3_column_int64(handle, 0), scored ? sqlite3_column_double(handle, 1) : 0) { return }
        }
    }
}
