import UsherCore

/// When `--notify` runs, without IO: a request that starts waiting for an operator asks for a
/// run; at most ``NotifyRate/count`` runs start per ``NotifyRate/period``, one at a time, and the
/// requests that could not have one of their own are counted into the next (its `waiting`).
struct NotifySchedule {
    /// What to do next.
    enum Action: Equatable {
        /// Run the command for `request`; `waiting` requests started waiting since the last run
        /// (this one included).
        case run(Request, waiting: Int)
        /// Nothing now; call ``woke(at:)`` at this moment.
        case wake(at: Moment)
        case nothing
    }

    let rate: NotifyRate
    private var starts: [Moment] = []
    private var running = false
    private var waiting = 0
    private var latest: Request?
    private var wakeAt: Moment?

    init(rate: NotifyRate) {
        self.rate = rate
    }

    /// `request` started waiting for an operator.
    mutating func asked(_ request: Request, at now: Moment) -> Action {
        waiting += 1
        latest = request
        return next(at: now)
    }

    /// The run that was started ended.
    mutating func finished(at now: Moment) -> Action {
        running = false
        return next(at: now)
    }

    /// The moment of a ``Action/wake(at:)`` came.
    mutating func woke(at now: Moment) -> Action {
        wakeAt = nil
        return next(at: now)
    }

    private mutating func next(at now: Moment) -> Action {
        guard !running, waiting > 0, let request = latest else { return .nothing }
        starts.removeAll { $0 + rate.period <= now }
        guard starts.count < rate.count else {
            // One wake-up at a time: the earliest moment a run may start.
            guard wakeAt == nil, let first = starts.first else { return .nothing }
            wakeAt = first + rate.period
            return .wake(at: first + rate.period)
        }
        starts.append(now)
        running = true
        defer { waiting = 0; latest = nil }
        return .run(request, waiting: waiting)
    }
}
