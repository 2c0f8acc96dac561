import Foundation
import UsherDashboard
#if canImport(Glibc)
import Glibc
#endif

/// `usher top --replay FILE [--speed N]`: a ``Recording`` played into the dashboard's inbox at
/// the pace it was recorded (times `speed`), with a clock that runs from the recording's first
/// time, so ages, timeouts and the title's clock read as they did.
final class StreamReplay: Sendable {
    let path: String
    let speed: Double
    /// The time of the first entry.
    let start: Date
    private let startedAt = Date()

    /// A recorded line, at most (a snapshot of many pending requests is the longest).
    static let longestLine = 64 << 20

    /// Opens FILE and checks its header and first entry; a file that cannot be played is a
    /// usage error naming it and the line.
    init(path: String, speed: Double) throws(CommandFailure) {
        self.path = path
        self.speed = speed
        do {
            var reader = try LineFile(path: path, longestLine: Self.longestLine)
            guard let header = try reader.next() else { throw Recording.Problem(line: 1, problem: "empty: not a usher recording") }
            try Recording.checkHeader(header)
            guard let first = try reader.next() else { throw Recording.Problem(line: 2, problem: "the recording has no entry") }
            start = try Recording.entry(first, number: 2).at
        } catch {
            throw CommandFailure("--replay: \(path): \(error)", code: .usage)
        }
    }

    /// The recording's time now.
    func now() -> Date {
        start.addingTimeInterval(Date().timeIntervalSince(startedAt) * speed)
    }

    /// Posts every entry when its time comes, then that the recording ended; returns early
    /// when cancelled. A bad line ends the replay there, saying why.
    func play(into inbox: Inbox) async {
        do {
            var reader = try LineFile(path: path, longestLine: Self.longestLine)
            _ = try reader.next()
            var number = 1
            while let bytes = try reader.next() {
                number += 1
                let (at, input) = try Recording.entry(bytes, number: number)
                let wait = at.timeIntervalSince(now()) / speed
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int64(min(wait, 86_400) * 1000))) }
                inbox.post(input)
            }
            inbox.post(.disconnected("end of the recording \(path)"))
        } catch is CancellationError {
            return
        } catch {
            inbox.post(.disconnected("replay of \(path) stopped: \(error)"))
        }
    }
}

/// A file read a line at a time, each line bounded.
struct LineFile {
    private let handle: FileHandle
    private let longestLine: Int
    private var buffer: [UInt8] = []
    /// Where the next line starts in `buffer`.
    private var position = 0
    private var ended = false
    private var number = 0

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String, longestLine: Int) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(description: "cannot read it: \(String(cString: strerror(errno)))") }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        self.longestLine = longestLine
    }

    /// The next line without its newline; nil at the end.
    mutating func next() throws(Failure) -> [UInt8]? {
        while true {
            if let end = buffer[position...].firstIndex(of: 0x0A) {
                let line = Array(buffer[position..<end])
                position = end + 1
                number += 1
                return line
            }
            if ended {
                guard position < buffer.count else { return nil }
                defer { position = buffer.count }
                number += 1
                return Array(buffer[position...])
            }
            guard buffer.count - position <= longestLine else {
                throw Failure(description: "line \(number + 1): longer than \(longestLine >> 20) MiB")
            }
            buffer.removeSubrange(..<position)
            position = 0
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw Failure(description: "cannot read it: \(error.localizedDescription)")
            }
            if chunk.isEmpty { ended = true } else { buffer += chunk }
        }
    }
}
