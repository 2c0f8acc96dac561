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
        let record = entry.record
        var object: [String: Any] = [
            "id": record.id, "run": WireClock.format(date(record.run)), "listener": record.listener, "peer": record.peer,
            "local": record.local, "arrived": WireClock.format(date(record.arrivedAt)), "ended": WireClock.format(date(record.endedAt)),
            "state": record.state, "policy": record.policy, "preview": record.preview, "data_bytes": record.dataBytes,
            "wait_ms": record.waitMs,
        ]
        let optional: [String: Any?] = [
            "source": record.source, "decided_by": record.decidedBy, "decider_kind": record.deciderKind,
            "decider_uid": record.deciderUid, "decider_user": record.deciderUser, "decider_pid": record.deciderPid,
            "rule": record.rule, "reason": record.reason, "tls_sni": record.tlsServerName, "http_host": record.httpHost,
            "http_request": record.httpRequest, "bytes_up": record.bytesUp, "bytes_down": record.bytesDown,
            "closed": record.closedAt.map { WireClock.format(date($0)) }, "connection_ms": record.connectionMs,
        ]
        for (key, value) in optional { if let value { object[key] = value } }
        let outcomes = (try? JSONSerialization.jsonObject(with: Data(record.outcomes.utf8))) as? [[String: Any]] ?? []
        object["outcomes"] = outcomes.map { outcome in
            var outcome = outcome
            if let at = (outcome["at"] as? NSNumber)?.int64Value { outcome["at"] = WireClock.format(date(at)) }
            return outcome
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
