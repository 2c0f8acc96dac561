import GRDB

/// The journal's tables and indexes, created or brought up to date when a journal opens.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: RequestRecord.databaseTableName) { table in
                table.column("id", .text).notNull()
                table.column("sequence", .integer).notNull()
                table.column("run", .integer).notNull()
                table.column("listener", .text).notNull()
                table.column("peer", .text).notNull()
                table.column("peer_address", .blob).notNull()
                table.column("source", .text)
                table.column("local", .text).notNull()
                table.column("arrived_at", .integer).notNull()
                table.column("ended_at", .integer).notNull()
                table.column("state", .text).notNull()
                table.column("decided_by", .text)
                table.column("decider_kind", .text)
                table.column("decider_uid", .integer)
                table.column("decider_user", .text)
                table.column("decider_pid", .integer)
                table.column("rule", .text)
                table.column("policy", .text).notNull()
                table.column("reason", .text)
                table.column("outcomes", .text).notNull()
                table.column("preview", .text).notNull()
                table.column("data_bytes", .integer).notNull()
                table.column("tls_sni", .text)
                table.column("http_host", .text)
                table.column("http_request", .text)
                table.column("wait_ms", .integer).notNull()
                table.column("bytes_up", .integer)
                table.column("bytes_down", .integer)
                table.column("closed_at", .integer)
            }
            try db.create(index: "requests_ended", on: RequestRecord.databaseTableName, columns: ["ended_at"])
            try db.create(index: "requests_run_id", on: RequestRecord.databaseTableName, columns: ["run", "sequence"])
            try db.create(index: "requests_peer", on: RequestRecord.databaseTableName, columns: ["peer_address"])
            try db.create(table: DaemonRecord.databaseTableName) { table in
                table.column("kind", .text).notNull()
                table.column("at", .integer).notNull()
                table.column("run", .integer).notNull()
                table.column("detail", .text).notNull()
            }
            try db.create(index: "daemon_events_at", on: DaemonRecord.databaseTableName, columns: ["at"])
        }
        return migrator
    }
}
