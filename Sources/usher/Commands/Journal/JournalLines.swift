import Foundation
import UsherCore
import UsherJournal
import UsherWire

/// How `usher log` prints journal rows: a table for people, one JSON object per line for
/// scripts.
enum JournalLines {
    static func table(_ entries: [JournalReader.Entry]) -> TextTable {
        var table = TextTable("ENDED", "ID", "STATE", "PEER", "LISTENER", "BY", "WAITED", "PROXIED", "DATA")
        for entry in entries { table.add(row(entry.record)) }
        return table
    }

    static func row(_ record: RequestRecord) -> [String] {
        [
            localTime(record.endedAt), record.id, record.state, record.source.map { "\($0) via \(record.peer)" } ?? record.peer,
            record.listener, record.decidedBy ?? "-", DurationText.format(.milliseconds(record.waitMs)), proxied(record),
            summary(record),
        ]
    }

    /// `38 B up, 1.2 KiB down, 3ms`; `open` while the connection is; `-` for none.
    static func proxied(_ record: RequestRecord) -> String {
        guard let up = record.bytesUp, let down = record.bytesDown else { return record.state == "accepted" ? "open" : "-" }
        let duration = record.connectionMs.map { ", " + DurationText.format(.milliseconds($0)) } ?? ""
        return "\(ByteCountText.format(Int(up))) up, \(ByteCountText.format(Int(down))) down\(duration)"
    }

    /// What the client sent, as `usher ls` sums it up.
    static func summary(_ record: RequestRecord) -> String {
        if let request = record.httpRequest {
            return request + (record.httpHost.map { " Host: \($0)" } ?? "")
        }
        if let name = record.tlsServerName { return "TLS sni=\(name)" }
        return record.preview.isEmpty ? "-" : record.preview
    }

    /// `2026-12-01 03:12:05.123` in local time.
    static func localTime(_ milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        let day = String(format: "%04d-%02d-%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday)
        return day + " " + EventText.localTime(date)
    }

    /// One object per row: the row's columns, times as wire times, the outcomes as objects.
    static func json(_ entry: JournalReader.Entry) -> String {
        String(decoding: WireJSON.encode(WireJournalRow(entry, numbered: false)), as: UTF8.self)
    }
}
