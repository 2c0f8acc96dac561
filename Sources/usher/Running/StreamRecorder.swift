import Foundation
import Synchronization
import UsherDashboard
#if canImport(Glibc)
import Glibc
#endif

/// `usher top --record FILE`: every input the dashboard receives from the daemon, written to
/// FILE as a ``Recording`` as it arrives. The file is bounded: past ``limit`` bytes recording
/// stops (the dashboard goes on), and the summary at the end says so.
final class StreamRecorder: Sendable {
    /// The most bytes a recording takes.
    static let limit = 256 << 20

    let path: String
    private let state: Mutex<State>

    private struct State {
        var descriptor: Int32
        var bytes = 0
        var entries = 0
        var full = false
        var failure: String?
    }

    /// Creates (or empties) FILE and writes the header; a file that cannot be written is a
    /// usage error naming it.
    init(path: String) throws(CommandFailure) {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure("--record: cannot write \(path): \(String(cString: strerror(errno)))", code: .usage)
        }
        state = Mutex(State(descriptor: descriptor))
        let header = Recording.header(version: Usher.version)
        state.withLock { Self.write(header, to: &$0) }
    }

    /// Records `input` as received now.
    func record(_ input: DashboardInput) {
        guard let line = Recording.line(input, at: Date()) else { return }
        state.withLock { state in
            guard !state.full, state.failure == nil else { return }
            guard state.bytes + line.count <= Self.limit else {
                state.full = true
                return
            }
            Self.write(line, to: &state)
            state.entries += 1
        }
    }

    /// Closes the file; what was recorded, in one line.
    func finish() -> String {
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
            state.descriptor = -1
            var summary = "recorded \(state.entries) entries to \(path)"
            if state.full { summary += "; recording stopped at the \(Self.limit >> 20) MiB bound" }
            if let failure = state.failure { summary += "; recording stopped: \(failure)" }
            return summary
        }
    }

    private static func write(_ bytes: [UInt8], to state: inout State) {
        var rest = bytes[...]
        while !rest.isEmpty, state.failure == nil {
            let written = rest.withUnsafeBytes { Glibc.write(state.descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                state.failure = "cannot write \(state.descriptor >= 0 ? String(cString: strerror(errno)) : "closed")"
                return
            }
            rest = rest.dropFirst(written)
            state.bytes += written
        }
    }
}
