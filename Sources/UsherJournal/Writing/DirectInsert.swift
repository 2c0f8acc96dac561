import Foundation
import GRDB
import GRDBSQLite

/// Runs a prepared statement with values bound straight through SQLite's C interface: for the
/// journal's one hot statement, where GRDB's arguments (an existential and a conversion per
/// value, a C string copy per text) cost more than SQLite's own work.
///
/// Bind every parameter in order, then ``run()``; the statement is then ready for the next row.
struct DirectInsert {
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?
    private var parameter: CInt = 0

    init(_ statement: Statement, in db: Database) {
        self.statement = statement.sqliteStatement
        connection = db.sqliteConnection
    }

    mutating func bind(_ value: String?) {
        parameter += 1
        guard var value else { return nullify() }
        _ = value.withUTF8 { bytes in
            sqlite3_bind_text(statement, parameter, bytes.baseAddress, CInt(bytes.count), Self.transient)
        }
    }

    mutating func bind(_ value: Int64?) {
        parameter += 1
        guard let value else { return nullify() }
        sqlite3_bind_int64(statement, parameter, value)
    }

    mutating func bind(_ value: Data) {
        parameter += 1
        // An empty blob, not a null (SQLite reads a blob without bytes as NULL).
        guard !value.isEmpty else { return _ = sqlite3_bind_zeroblob(statement, parameter, 0) }
        _ = value.withUnsafeBytes { bytes in
            sqlite3_bind_blob(statement, parameter, bytes.baseAddress, CInt(bytes.count), Self.transient)
        }
    }

    /// Runs the statement with the values bound, then resets it for the next row.
    mutating func run() throws(DatabaseError) {
        defer {
            sqlite3_reset(statement)
            parameter = 0
        }
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: connection.map { String(cString: sqlite3_errmsg($0)) })
        }
    }

    private func nullify() {
        sqlite3_bind_null(statement, parameter)
    }

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
