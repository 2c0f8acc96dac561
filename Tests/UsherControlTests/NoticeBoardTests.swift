import Foundation
import Synchronization
import Testing
import UsherControl
import UsherWire

/// Notices at most once a second per source, the rest told as a count; alerts raised and cleared.
@Suite("Notice board", .timeLimit(.minutes(1)))
struct NoticeBoardTests {
    final class Heard: Sendable {
        let notices = Mutex<[WireNotice]>([])
        var all: [WireNotice] { notices.withLock { $0 } }
    }

    @Test("a flood is one notice, then one count per source; text is escaped for terminals")
    func flood() {
        let board = NoticeBoard(interval: 1)
        let heard = Heard()
        board.observe { notice, _ in heard.notices.withLock { $0.append(notice) } }
        let start = Date(timeIntervalSince1970: 1_000_000)
        for index in 0..<500 {
            board.post(WireNotice(source: "control", level: .notice, text: "uid 1000 refused \u{1B}[2J #\(index)"), now: start.addingTimeInterval(Double(index) / 1000))
        }
        board.post(WireNotice(source: "notify", level: .warning, text: "hook failed"), now: start)
        #expect(heard.all.count == 2)
        #expect(heard.all.first?.text == "uid 1000 refused \\x1b[2J #0")
        board.flush(now: start.addingTimeInterval(0.9))
        #expect(heard.all.count == 2, "not before the interval is over")
        board.flush(now: start.addingTimeInterval(1.2))
        #expect(heard.all.map(\.text).last == "499 more control notices in the last second")
        board.flush(now: start.addingTimeInterval(5))
        #expect(heard.all.count == 3, "a count is told once")
    }

    @Test("an alert is raised once per change and cleared")
    func alerts() {
        let board = NoticeBoard()
        #expect(board.raise(WireAlert(source: "journal", text: "disk full")))
        #expect(!board.raise(WireAlert(source: "journal", text: "disk full")))
        #expect(board.raise(WireAlert(source: "journal", text: "read-only")))
        #expect(board.alerts == [WireAlert(source: "journal", text: "read-only")])
        #expect(board.clear(source: "journal") && board.alerts.isEmpty && !board.clear(source: "journal"))
    }
}
