import Foundation
import UsherCore

/// Writes to a ``Journal`` from a thread of its own (`usher-journal`), in batches: what was
/// submitted within 100 ms, up to 1,000 writes, goes in one transaction. Submitting never
/// waits for the disk: the queue holds up to ``capacity`` writes; past that, writes are
/// dropped and counted. A failing write (a full disk, a file made read-only) is reported once,
/// its batch counted as lost, and writing goes on with the next batch; recovery is reported too.
///
/// ``close()`` writes what is queued and stops the thread. A process killed without it loses at
/// most the batch being gathered (100 ms) and what waited behind it.
public final class JournalWriter: Sendable {
    /// Problems and recoveries, for the log.
    public enum Report: Hashable, Sendable {
        /// Writing failed (and keeps failing until ``recovered``); writes are being lost.
        case failing(JournalError)
        /// Writing works again; this many writes were lost meanwhile.
        case recovered(lost: Int)
        /// The queue was full; writes are dropped until it has room (reported once).
        case fellBehind(capacity: Int)
        /// Old rows went (retention or the size cap).
        case trimmed(requests: Int)
    }

    /// What the writer is doing now.
    public struct Status: Hashable, Sendable {
        /// Why the last batch failed, while writing fails.
        public var failing: JournalError?
        /// Writes lost so far (dropped when the queue was full, or in failed batches).
        public var lost: Int
        /// Writes written so far.
        public var written: Int
    }

    public let journal: Journal
    /// The most writes waiting.
    public let capacity: Int
    /// The longest a write waits for its batch.
    public static let batchDelay = 0.1
    /// The most writes in one transaction.
    public static let batchLimit = 1000
    /// How often retention and the size cap are applied (and once at start).
    public static let trimInterval: TimeInterval = 3600

    private struct State {
        var queue: [JournalWrite] = []
        var closing = false
        var closed = false
        /// Flushes waiting for the queue, as it was when they asked, to be written.
        var flushes: [(upTo: Int, done: @Sendable () -> Void)] = []
        var submitted = 0
        /// Writes whose batch is over (written or lost).
        var finished = 0
        var dropping = false
        var status = Status(failing: nil, lost: 0, written: 0)
        var lostWhileFailing = 0
    }

    private let state = NSCondition()
    private nonisolated(unsafe) var locked = State()
    private let report: @Sendable (Report) -> Void

    /// Starts the writer's thread; `report` hears of problems and recoveries (on that thread).
    public init(journal: Journal, capacity: Int = 100_000, report: @escaping @Sendable (Report) -> Void = { _ in }) {
        self.journal = journal
        self.capacity = max(1, capacity)
        self.report = report
        Thread { [self] in run() }.start()
    }

    /// Queues a write; never waits.
    public func submit(_ write: JournalWrite) {
        let full = withState { state -> Bool in
            guard !state.closed else { return false }
            guard state.queue.count < capacity else {
                state.status.lost += 1
                defer { state.dropping = true }
                return !state.dropping
            }
            state.dropping = false
            state.queue.append(write)
            state.submitted += 1
            if state.queue.count == 1 || state.queue.count >= Self.batchLimit { self.state.signal() }
            return false
        }
        if full { report(.fellBehind(capacity: capacity)) }
    }

    public var status: Status { withState { $0.status } }

    /// Returns once everything submitted before the call is written (or lost).
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = withState { state -> Bool in
                guard !state.closed, state.finished < state.submitted else { return true }
                state.flushes.append((state.submitted, { continuation.resume() }))
                self.state.signal()
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Writes what is queued, then stops the thread; later submissions are ignored.
    public func close() async {
        await flush()
        withState { state in
            state.closing = true
            self.state.signal()
        }
    }

    // MARK: The thread

    private func run() {
        Thread.current.name = "usher-journal"
        trim()
        var lastTrim = Date()
        while let batch = nextBatch() {
            write(batch)
            if Date().timeIntervalSince(lastTrim) >= Self.trimInterval {
                trim()
                lastTrim = Date()
            }
        }
    }

    /// Waits for writes, gathers a batch (100 ms from the first, or 1,000, or at once when a
    /// flush waits); `nil` once closing with nothing left.
    private func nextBatch() -> [JournalWrite]? {
        state.lock()
        defer { state.unlock() }
        while locked.queue.isEmpty {
            Self.completeFlushes(&locked)
            if locked.closing {
                locked.closed = true
                return nil
            }
            state.wait()
        }
        let deadline = Date(timeIntervalSinceNow: Self.batchDelay)
        while locked.queue.count < Self.batchLimit, locked.flushes.isEmpty, !locked.closing, state.wait(until: deadline) {}
        guard locked.queue.count > Self.batchLimit else {
            // The whole queue: moved out, not copied write by write.
            defer { locked.queue = [] }
            return locked.queue
        }
        let writes = Array(locked.queue.prefix(Self.batchLimit))
        locked.queue.removeFirst(Self.batchLimit)
        return writes
    }

    private func write(_ writes: [JournalWrite]) {
        var batch = JournalBatch()
        for write in writes { batch.add(write) }
        let outcome: JournalError?
        do throws(JournalError) {
            try journal.write(batch)
            outcome = nil
        } catch {
            outcome = error
        }
        let news: Report? = withState { state in
            state.finished += writes.count
            defer { Self.completeFlushes(&state) }
            guard let outcome else {
                state.status.written += writes.count
                guard state.status.failing != nil else { return nil }
                state.status.failing = nil
                defer { state.lostWhileFailing = 0 }
                return .recovered(lost: state.lostWhileFailing)
            }
            state.status.lost += writes.count
            state.lostWhileFailing += writes.count
            defer { state.status.failing = outcome }
            return state.status.failing == nil ? .failing(outcome) : nil
        }
        if let news { report(news) }
    }

    private func trim() {
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        guard let deleted = try? journal.enforceLimits(now: now), deleted > 0 else { return }
        report(.trimmed(requests: deleted))
    }

    /// Under the lock: resumes the flushes whose writes are all over.
    private static func completeFlushes(_ state: inout State) {
        let finished = state.finished
        let done = state.flushes.filter { $0.upTo <= finished }
        state.flushes.removeAll { $0.upTo <= finished }
        for flush in done { flush.done() }
    }

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        state.lock()
        defer { state.unlock() }
        return body(&locked)
    }
}
